import { NEED_MORE, frameResult, ignoredResult, invalidResult } from '../core/result.js';
import type { DnsErrorCode, DnsMessage, DnsParseResult } from './types.js';

export const DNS_HEADER_BYTES = 12;
const MAX_NAME_OCTETS = 255;
/** More pointer hops than a legal name could need (127 labels) means a loop. */
const MAX_POINTER_HOPS = 127;
const TYPE_OPT = 41;

type NameRead = { next: number; text: string } | DnsErrorCode;

const u16 = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);

/**
 * Reads a (possibly compressed) name at `pos` of the message `[base, end)`. Pointers may go
 * forwards or backwards (both occur in the wild); loops are cut by a hop count and names by
 * RFC 1035's 255-octet limit, so the cost is bounded whatever the bytes say.
 */
export function readName(b: Uint8Array, base: number, end: number, pos: number, wantText: boolean): NameRead {
  let p = pos;
  let next = -1;
  let octets = 1;
  let hops = 0;
  let text = '';
  for (;;) {
    if (p >= end) return 'truncated-question';
    const len = b[p] ?? 0;
    if (len === 0) break;
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (p + 1 >= end) return 'truncated-question';
      if (next < 0) next = p + 2;
      if (++hops > MAX_POINTER_HOPS) return 'name-pointer-loop';
      p = base + (((len & 0x3f) << 8) | (b[p + 1] ?? 0));
      continue;
    }
    if (kind !== 0) return 'invalid-label-type';
    if (p + 1 + len > end) return 'truncated-question';
    octets += len + 1;
    if (octets > MAX_NAME_OCTETS) return 'name-too-long';
    if (wantText) {
      if (text.length > 0) text += '.';
      text += labelText(b, p + 1, p + 1 + len);
    }
    p += 1 + len;
  }
  return { next: next < 0 ? p + 1 : next, text: text === '' ? '.' : text };
}

/** Presentation form (RFC 4343): printable bytes as they are, `.` and `\` escaped, others `\DDD`. */
function labelText(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) {
    const c = b[i] ?? 0;
    if (c === 0x2e || c === 0x5c) out += '\\' + String.fromCharCode(c);
    else if (c > 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += '\\' + String(c).padStart(3, '0');
  }
  return out;
}

/**
 * Reads the header, the first question and (for responses with additional records) the OPT
 * record's extended rcode from the message `[s, e)`. Records are stepped over, not decoded. A
 * message cut short (truncated capture) still yields what its head shows, with `complete: false`.
 */
export function parseDnsMessage(b: Uint8Array, s: number, e: number): DnsMessage | DnsErrorCode {
  if (e - s < DNS_HEADER_BYTES) return 'message-too-short';
  const flags = u16(b, s + 2);
  const questions = u16(b, s + 4);
  const answers = u16(b, s + 6);
  const authorities = u16(b, s + 8);
  const additionals = u16(b, s + 10);
  const response = (flags & 0x8000) !== 0;
  let rcode = flags & 0x0f;
  let qname: string | null = null;
  let qnameError: DnsErrorCode | null = null;
  let qtype: number | null = null;
  let qclass: number | null = null;
  let complete = true;
  let p = s + DNS_HEADER_BYTES;
  for (let q = 0; q < questions && complete; q++) {
    const name = readName(b, s, e, p, q === 0);
    if (typeof name === 'string') {
      if (q === 0) qnameError = name;
      complete = false;
      break;
    }
    if (name.next + 4 > e) {
      if (q === 0) qnameError = 'truncated-question';
      complete = false;
      break;
    }
    if (q === 0) {
      qname = name.text;
      qtype = u16(b, name.next);
      qclass = u16(b, name.next + 2);
    }
    p = name.next + 4;
  }
  // Only a response's OPT changes what we report; queries are not walked further.
  if (complete && response && additionals > 0) {
    const records = answers + authorities + additionals;
    for (let r = 0; r < records; r++) {
      const name = readName(b, s, e, p, false);
      if (typeof name === 'string' || name.next + 10 > e) {
        complete = false;
        break;
      }
      const rdlength = u16(b, name.next + 8);
      if (r >= answers + authorities && u16(b, name.next) === TYPE_OPT) rcode |= (b[name.next + 4] ?? 0) << 4;
      p = name.next + 10 + rdlength;
      if (p > e) {
        complete = false;
        break;
      }
    }
  }
  return {
    id: u16(b, s), response, opcode: (flags >> 11) & 0x0f, rcode, truncatedFlag: (flags & 0x0200) !== 0,
    questions, answers, authorities, additionals, qname, qnameError, qtype, qclass, complete,
  };
}

/**
 * DNS over TCP (RFC 1035 §4.2.2): each message follows a two-byte length. Messages are at most
 * 65,535 bytes, so waiting for a whole one is bounded; bytes a truncated capture lost inside a
 * message are skipped by count.
 */
export class DnsTcpDecoder {
  private skipLeft = 0;

  parse(input: Uint8Array): DnsParseResult {
    if (this.skipLeft > 0) {
      const n = Math.min(this.skipLeft, input.length);
      if (n === 0) return NEED_MORE;
      this.skipLeft -= n;
      return ignoredResult(n);
    }
    if (input.length < 2) return NEED_MORE;
    const len = u16(input, 0);
    if (len < DNS_HEADER_BYTES) return invalidResult('invalid-length', 2);
    if (input.length < 2 + len) return NEED_MORE;
    const message = parseDnsMessage(input, 2, 2 + len);
    if (typeof message === 'string') return invalidResult(message, 2 + len);
    return frameResult({ type: 'message', message }, 2 + len);
  }

  /**
   * A truncated capture lost `gap` bytes after the unconsumed `pending` ones. Returns the message
   * `pending` begins, read as far as it goes, when the gap ends inside it (the rest is then skipped
   * by count); `absorbed` says whether the gap was accounted for.
   */
  truncated(pending: Uint8Array, gap: number): { absorbed: boolean; message: DnsMessage | null } {
    if (pending.length === 0) {
      const absorbed = gap <= this.skipLeft;
      if (absorbed) this.skipLeft -= gap;
      return { absorbed, message: null };
    }
    if (this.skipLeft > 0 || pending.length < 2) return { absorbed: false, message: null };
    const total = 2 + u16(pending, 0);
    const message = parseDnsMessage(pending, 2, Math.min(total, pending.length));
    const read = typeof message === 'string' ? null : message;
    if (pending.length + gap > total) return { absorbed: false, message: read };
    this.skipLeft = total - pending.length - gap;
    return { absorbed: true, message: read };
  }

  reset(): void {
    this.skipLeft = 0;
  }
}
