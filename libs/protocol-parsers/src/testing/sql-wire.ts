import type { ModuleName } from '../core/protocol.js';
import type { StreamDirection } from '../core/stream.js';
import { createStitcher } from '../stitch.js';
import type { ConnectionStitcher, Transaction } from '../transaction.js';
import { concatBytes, utf8 } from './bytes.js';

/** One read of a recorded or hand-built conversation. */
export interface WireChunk {
  dir: StreamDirection;
  data: Uint8Array;
}

/** A MySQL packet: 3-byte little-endian length, sequence id, payload. */
export function mysqlPacket(seq: number, ...payload: Array<number | string | Uint8Array>): Uint8Array {
  const body = concatBytes(...payload.map((p) => (typeof p === 'number' ? Uint8Array.of(p) : typeof p === 'string' ? utf8(p) : p)));
  return concatBytes(Uint8Array.of(body.length & 0xff, (body.length >> 8) & 0xff, (body.length >> 16) & 0xff, seq), body);
}

/** A PostgreSQL message: type byte, Int32 length (including itself), body; strings get their NUL. */
export function pgMessage(type: string, ...body: Array<number[] | string | Uint8Array>): Uint8Array {
  const b = concatBytes(...body.map((p) => (typeof p === 'string' ? utf8(`${p}\0`) : Uint8Array.from(p))));
  const n = b.length + 4;
  return concatBytes(utf8(type), Uint8Array.of(n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff), b);
}

/** Feeds the chunks in order (one tsNs per chunk, from 1) and returns every transaction, flushed at the end. */
export function stitchWire(protocol: ModuleName, chunks: readonly WireChunk[], s: ConnectionStitcher = createStitcher(protocol)): Transaction[] {
  const out: Transaction[] = [];
  let ts = 0n;
  for (const c of chunks) {
    s.push(c.dir, { data: c.data, size: c.data.length, tsNs: ++ts });
    out.push(...s.take());
  }
  out.push(...s.flush());
  return out;
}

/**
 * Every way to cut one chunk of the conversation in two (the others stay whole): what `stitchWire`
 * must read the same. Yields the chunk lists; timestamps follow the chunk order.
 */
export function* splitEachChunk(chunks: readonly WireChunk[]): Generator<WireChunk[]> {
  for (let k = 0; k < chunks.length; k++) {
    const c = chunks[k];
    if (c === undefined) continue;
    for (let i = 1; i < c.data.length; i++) {
      yield [...chunks.slice(0, k), { dir: c.dir, data: c.data.subarray(0, i) }, { dir: c.dir, data: c.data.subarray(i) }, ...chunks.slice(k + 1)];
    }
  }
}

/** Value of the C string literals (`"\x50\000ab"` …) in `text`: hex, octal and simple escapes. */
export function cStringBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    const s = m[1] ?? '';
    for (let i = 0; i < s.length; i++) {
      const ch = s[i] ?? '';
      if (ch !== '\\') {
        out.push(...utf8(ch));
        continue;
      }
      const e = s[++i] ?? '';
      if (e === 'x') {
        const hex = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1))?.[0] ?? '0';
        out.push(parseInt(hex, 16));
        i += hex.length;
      } else if (/[0-7]/.test(e)) {
        const oct = /^[0-7]{1,3}/.exec(s.slice(i))?.[0] ?? '0';
        out.push(parseInt(oct, 8));
        i += oct.length - 1;
      } else {
        out.push(({ n: 10, r: 13, t: 9, '0': 0 } as Record<string, number>)[e] ?? e.charCodeAt(0));
      }
    }
  }
  return Uint8Array.from(out);
}

/** Pixie's `D(kName, "..." "...");` byte strings from a test_data.h, by name. */
export function readPixieByteStrings(header: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const m of header.matchAll(/D\((k\w+),([\s\S]*?)\);/g)) out.set(m[1] ?? '', cStringBytes(m[2] ?? ''));
  return out;
}
