import type { ParseResult } from '../core/result.js';

/** Why bytes are not a DNS message we can read. */
export type DnsErrorCode =
  | 'message-too-short' // fewer than the 12 header bytes
  | 'invalid-length' // a TCP length prefix below the header size
  | 'name-too-long' // more than 255 octets (RFC 1035 §3.1)
  | 'name-pointer-loop' // compression pointers that go round, or too many of them
  | 'invalid-label-type' // 0x40 / 0x80 label types (obsolete extended labels)
  | 'truncated-question'; // the question runs past the end of the message

/** The parts of one DNS message an observer needs; answers themselves are counted, not decoded. */
export interface DnsMessage {
  readonly id: number;
  readonly response: boolean;
  readonly opcode: number;
  /** Header rcode extended with the OPT record's upper 8 bits (RFC 6891 §6.1.3) when an OPT was read. */
  readonly rcode: number;
  readonly truncatedFlag: boolean;
  readonly questions: number;
  readonly answers: number;
  readonly authorities: number;
  readonly additionals: number;
  /** First question's name without the trailing dot (`.` for the root), or null when unreadable. */
  readonly qname: string | null;
  /** Why the first question's name could not be read, if it could not. */
  readonly qnameError: DnsErrorCode | null;
  readonly qtype: number | null;
  readonly qclass: number | null;
  /** False when the capture or message ended before every record was walked. */
  readonly complete: boolean;
}

export type DnsFrame = { readonly type: 'message'; readonly message: DnsMessage };

export type DnsParseResult = ParseResult<DnsFrame, DnsErrorCode>;

export interface DnsTransaction {
  protocol: 'dns';
  transport: 'udp' | 'tcp';
  request: {
    id: number;
    qname: string | null;
    qtype: string | null;
    qclass: number | null;
    opcode: number;
    startNs: bigint;
    endNs: bigint;
    /** Rebuilt from the response's question: the query itself was not seen. */
    fromResponse: boolean;
  };
  response: {
    rcode: string;
    answers: number;
    authorities: number;
    additionals: number;
    truncated: boolean;
    startNs: bigint;
    endNs: bigint;
  } | null;
}
