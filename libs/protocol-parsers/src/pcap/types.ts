import type { Transport } from '../core/protocol.js';
import type { StreamChunk, StreamDirection } from '../core/stream.js';

/** The capture file formats the reader understands. */
export type CaptureFormat = 'pcap' | 'pcapng';

/** One frame as the capture file stores it, before any protocol decoding. */
export interface CaptureFrame {
  /** 1-based position among the file's packets, as Wireshark numbers frames. */
  index: number;
  /** LINKTYPE_* value of the interface that captured it. */
  linkType: number;
  /** Capture time, nanoseconds since the Unix epoch. */
  tsNs: bigint;
  /** The bytes kept (a view into the file, not a copy). */
  data: Uint8Array;
  /** Length of the frame on the wire; larger than `data.length` when the snap length cut it. */
  originalLength: number;
}

/** Why a frame, or part of one, was not turned into stream bytes. Each is counted, never thrown. */
export type SkipReason =
  | 'truncated-file' // the file ends inside a record header or body
  | 'bad-block' // a pcapng block with an impossible length or an unknown interface
  | 'unsupported-link-type'
  | 'non-ip' // ARP, LLDP, STP … (not an IPv4/IPv6 frame)
  | 'truncated-header' // the snap length or a broken length field cut a link, IP, TCP or UDP header
  | 'bad-ip-header'
  | 'ip-fragment' // IPv4/IPv6 fragments after the first (they carry no TCP/UDP header)
  | 'unsupported-transport' // ICMP, SCTP, GRE …
  | 'tcp-retransmission' // payload already delivered (retransmission or keep-alive)
  | 'tcp-out-of-window' // segment too far ahead of the stream to be buffered
  | 'tcp-after-close'; // data after RST or after the FIN's sequence number

/** One side of a conversation. `ip` is dotted IPv4 or RFC 5952 IPv6. */
export interface Endpoint {
  ip: string;
  port: number;
}

/**
 * How the reader decided which side is the client, strongest first:
 * `syn`: sent the SYN (or received the SYN-ACK); `port`: the lower port is taken as the server's
 * (services listen on low or registered ports, clients on ephemeral ones); `first-sender`: both ports
 * are equal, so the side that sent the first packet is the client.
 */
export type ClientRule = 'syn' | 'port' | 'first-sender';

/** Stream bytes of one direction, in the order they became available (capture order). */
export interface ConversationChunk extends StreamChunk {
  /** `request` = client → server. */
  direction: StreamDirection;
}

export interface Conversation {
  /** 0-based, in order of each conversation's first packet. */
  id: number;
  transport: Transport;
  client: Endpoint;
  server: Endpoint;
  clientRule: ClientRule;
  /**
   * TCP: reassembled bytes, each chunk from one segment (trimmed of what was already delivered);
   * a hole in the sequence space is a chunk with `size > data.length` (usually `data` empty).
   * UDP: one chunk per datagram.
   */
  chunks: ConversationChunk[];
  /** Frames that belong to this conversation (with or without payload). */
  packets: number;
  /** How a TCP conversation ended in the capture. */
  closed: 'fin' | 'rst' | null;
}

export interface CaptureReadResult {
  /** null when the file is not a capture at all (then `error` says why). */
  format: CaptureFormat | null;
  /** Why the file could not be read at all; frames skipped inside a readable file are only counted. */
  error: string | null;
  /** Frames in the file. */
  frames: number;
  /** Link types seen, by LINKTYPE value, with frame counts. */
  linkTypes: Readonly<Record<number, number>>;
  conversations: Conversation[];
  skipped: Readonly<Partial<Record<SkipReason, number>>>;
}

/** A decoded TCP or UDP packet, before reassembly. */
export interface TransportPacket {
  transport: Transport;
  src: Endpoint;
  dst: Endpoint;
  /** Payload bytes captured. */
  payload: Uint8Array;
  /** Payload bytes on the wire (from the IP/UDP length fields); larger when the snap length cut them. */
  payloadLength: number;
  tcp: TcpHeader | null;
}

export interface TcpHeader {
  seq: number;
  ack: number;
  syn: boolean;
  ackFlag: boolean;
  fin: boolean;
  rst: boolean;
}
