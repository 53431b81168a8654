import { huffmanEncode } from '../http2/huffman.js';
import { CLIENT_PREFACE } from '../http2/types.js';
import { concatBytes, utf8 } from './bytes.js';

export const H2_PREFACE = utf8(CLIENT_PREFACE);

/** One HTTP/2 frame: 9-byte header plus payload. */
export function h2Frame(type: number, flags: number, streamId: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(9 + payload.length);
  out[0] = (payload.length >>> 16) & 0xff;
  out[1] = (payload.length >>> 8) & 0xff;
  out[2] = payload.length & 0xff;
  out[3] = type;
  out[4] = flags;
  out[5] = (streamId >>> 24) & 0x7f;
  out[6] = (streamId >>> 16) & 0xff;
  out[7] = (streamId >>> 8) & 0xff;
  out[8] = streamId & 0xff;
  out.set(payload, 9);
  return out;
}

function hpackInt(value: number, prefixBits: number, firstByteHigh: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [firstByteHigh | value];
  const out = [firstByteHigh | max];
  let v = value - max;
  while (v >= 128) {
    out.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function hpackString(s: string, huffman: boolean): number[] {
  const raw = utf8(s);
  const bytes = huffman ? huffmanEncode(raw) : raw;
  return [...hpackInt(bytes.length, 7, huffman ? 0x80 : 0), ...bytes];
}

export type HpackRepresentation = 'indexed-literal' | 'plain-literal' | 'never-indexed';

/**
 * A small HPACK encoder for tests: every field a literal with a literal name, added
 * to the dynamic table (`indexed-literal`), not added, or never indexed. `huffman`
 * codes the strings. `refs` prepends indexed fields (static or dynamic indexes).
 */
export function hpackBlock(
  headers: ReadonlyArray<readonly [string, string]>,
  opts: { representation?: HpackRepresentation; huffman?: boolean; refs?: readonly number[]; sizeUpdate?: number } = {},
): Uint8Array {
  const out: number[] = [];
  if (opts.sizeUpdate !== undefined) out.push(...hpackInt(opts.sizeUpdate, 5, 0x20));
  for (const i of opts.refs ?? []) out.push(...hpackInt(i, 7, 0x80));
  const rep = opts.representation ?? 'plain-literal';
  const first = rep === 'indexed-literal' ? 0x40 : rep === 'never-indexed' ? 0x10 : 0x00;
  for (const [name, value] of headers) out.push(first, ...hpackString(name, opts.huffman ?? false), ...hpackString(value, opts.huffman ?? false));
  return Uint8Array.from(out);
}

/** HEADERS (END_HEADERS) carrying `block`, optionally ending the stream. */
export function h2Headers(streamId: number, block: Uint8Array, endStream: boolean): Uint8Array {
  return h2Frame(0x1, 0x4 | (endStream ? 0x1 : 0), streamId, block);
}

export function h2Data(streamId: number, data: Uint8Array | string, endStream: boolean): Uint8Array {
  return h2Frame(0x0, endStream ? 0x1 : 0, streamId, typeof data === 'string' ? utf8(data) : data);
}

export function h2Settings(settings: ReadonlyArray<readonly [number, number]> = [], ack = false): Uint8Array {
  const p = new Uint8Array(settings.length * 6);
  settings.forEach(([id, v], i) => {
    p[i * 6] = id >> 8;
    p[i * 6 + 1] = id & 0xff;
    new DataView(p.buffer).setUint32(i * 6 + 2, v);
  });
  return h2Frame(0x4, ack ? 1 : 0, 0, p);
}

export function h2RstStream(streamId: number, code: number): Uint8Array {
  const p = new Uint8Array(4);
  new DataView(p.buffer).setUint32(0, code);
  return h2Frame(0x3, 0, streamId, p);
}

export function h2Goaway(lastStreamId: number, code: number): Uint8Array {
  const p = new Uint8Array(8);
  new DataView(p.buffer).setUint32(0, lastStreamId);
  new DataView(p.buffer).setUint32(4, code);
  return h2Frame(0x7, 0, 0, p);
}

/** A gRPC length-prefixed message (uncompressed). */
export function grpcMessage(payload: Uint8Array): Uint8Array {
  const p = new Uint8Array(5);
  new DataView(p.buffer).setUint32(1, payload.length);
  return concatBytes(p, payload);
}

/** Hex (as in the vector suites) → bytes. */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
