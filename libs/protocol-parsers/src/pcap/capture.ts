import type { StreamDirection } from '../core/stream.js';
import { formatEndpoint } from './address.js';
import { openCapture, type SkipCounter } from './container.js';
import { decodeFrame } from './decode.js';
import { TcpDirectionStream } from './tcp-stream.js';
import type { CaptureReadResult, ClientRule, Conversation, Endpoint, SkipReason, TransportPacket } from './types.js';

interface ConversationState {
  readonly conversation: Conversation;
  readonly clientKey: string;
  /** TCP only: the client → server and server → client streams. */
  readonly streams: Record<StreamDirection, TcpDirectionStream> | null;
  /** Initial sequence numbers from SYNs, to tell a retransmitted SYN from a new connection on the same ports. */
  readonly isn: Partial<Record<StreamDirection, number>>;
  ended: boolean;
}

/**
 * Reads a whole classic-pcap or pcapng capture into TCP/UDP conversations. Never throws: what cannot be
 * decoded is counted in `skipped`; a file that is not a capture at all gives `error`.
 */
export function readCapture(bytes: Uint8Array): CaptureReadResult {
  const skipped: Partial<Record<SkipReason, number>> = {};
  const skip: SkipCounter = (reason) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  const opened = openCapture(bytes, skip);
  const linkTypes: Record<number, number> = {};
  if (opened.error !== null) return { format: opened.format, error: opened.error, frames: 0, linkTypes, conversations: [], skipped };
  const table = new ConversationTable(skip);
  let frames = 0;
  for (const frame of opened.frames) {
    frames++;
    linkTypes[frame.linkType] = (linkTypes[frame.linkType] ?? 0) + 1;
    const decoded = decodeFrame(frame);
    if (decoded.ok) table.add(decoded.packet, frame.tsNs);
    else skip(decoded.reason);
  }
  return { format: opened.format, error: null, frames, linkTypes, conversations: table.finish(), skipped };
}

/** Groups packets by 5-tuple and turns each TCP direction back into a byte stream. */
export class ConversationTable {
  private readonly open = new Map<string, ConversationState>();
  private readonly all: ConversationState[] = [];

  constructor(private readonly skip: SkipCounter) {}

  add(packet: TransportPacket, tsNs: bigint): void {
    const src = formatEndpoint(packet.src);
    const dst = formatEndpoint(packet.dst);
    const key = src < dst ? `${packet.transport} ${src} ${dst}` : `${packet.transport} ${dst} ${src}`;
    let state = this.open.get(key);
    const tcp = packet.tcp;
    if (state !== undefined && tcp !== null && tcp.syn && !tcp.ackFlag && this.isNewConnection(state, src, tcp.seq)) {
      this.end(state);
      state = undefined;
    }
    if (state === undefined) {
      state = this.start(packet, src);
      this.open.set(key, state);
    }
    const conv = state.conversation;
    conv.packets++;
    const direction: StreamDirection = src === state.clientKey ? 'request' : 'response';
    if (state.streams === null || tcp === null) {
      if (packet.payloadLength > 0) conv.chunks.push({ direction, data: packet.payload, size: packet.payloadLength, tsNs });
      return;
    }
    if (state.ended) {
      if (packet.payloadLength > 0) this.skip('tcp-after-close');
      return;
    }
    const own = state.streams[direction];
    const peer = state.streams[direction === 'request' ? 'response' : 'request'];
    let seq = tcp.seq;
    if (tcp.syn) {
      state.isn[direction] ??= tcp.seq;
      own.syn(tcp.seq);
      seq = (seq + 1) >>> 0; // data on a SYN (TCP Fast Open) starts after it
    }
    if (tcp.ackFlag) peer.acknowledged(tcp.ack, tsNs);
    own.segment(seq, packet.payload, packet.payloadLength, tsNs, tcp.fin);
    if (tcp.fin) conv.closed ??= 'fin';
    if (tcp.rst) {
      conv.closed = 'rst';
      this.end(state);
    }
  }

  /** Ends every conversation (holes still open are reported) and returns them in order of first packet. */
  finish(): Conversation[] {
    for (const state of this.all) this.end(state);
    this.open.clear();
    return this.all.map((s) => s.conversation);
  }

  private isNewConnection(state: ConversationState, src: string, seq: number): boolean {
    const direction: StreamDirection = src === state.clientKey ? 'request' : 'response';
    const known = state.isn[direction];
    return state.ended || (known === undefined ? state.conversation.chunks.length > 0 : known !== seq);
  }

  private start(packet: TransportPacket, src: string): ConversationState {
    const { client, server, rule } = chooseClient(packet);
    const conversation: Conversation = {
      id: this.all.length, transport: packet.transport, client, server, clientRule: rule, chunks: [], packets: 0, closed: null,
    };
    const push = (direction: StreamDirection) => (chunk: { data: Uint8Array; size: number; tsNs: bigint }) => {
      conversation.chunks.push({ direction, ...chunk });
    };
    const state: ConversationState = {
      conversation,
      clientKey: client === packet.src ? src : formatEndpoint(client),
      streams: packet.transport === 'tcp'
        ? { request: new TcpDirectionStream(push('request'), this.skip), response: new TcpDirectionStream(push('response'), this.skip) }
        : null,
      isn: {},
      ended: false,
    };
    this.all.push(state);
    return state;
  }

  private end(state: ConversationState): void {
    if (state.ended) return;
    state.ended = true;
    state.streams?.request.close();
    state.streams?.response.close();
  }
}

/**
 * The client is the side that sent the SYN (or received the SYN-ACK). Without a handshake in the
 * capture, the side with the higher port is the client (services listen on low or registered ports,
 * clients get ephemeral ones); with equal ports, the first sender. The replay tool may still swap the
 * roles when protocol inference sees a response going "client → server".
 */
export function chooseClient(packet: TransportPacket): { client: Endpoint; server: Endpoint; rule: ClientRule } {
  const { src, dst, tcp } = packet;
  if (tcp !== null && tcp.syn) return tcp.ackFlag ? { client: dst, server: src, rule: 'syn' } : { client: src, server: dst, rule: 'syn' };
  if (src.port !== dst.port) return src.port > dst.port ? { client: src, server: dst, rule: 'port' } : { client: dst, server: src, rule: 'port' };
  return { client: src, server: dst, rule: 'first-sender' };
}
