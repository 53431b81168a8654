import type { StreamChunk } from '../core/stream.js';

const encoder = new TextEncoder();

/** UTF-8 bytes of a string (what Node's `Buffer.from(text)` gives). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Every way to cut `bytes` into two non-empty pieces (llhttp's split runs). */
export function splitAtEveryBoundary(bytes: Uint8Array): Array<[Uint8Array, Uint8Array]> {
  const out: Array<[Uint8Array, Uint8Array]> = [];
  for (let i = 1; i < bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  return out;
}

/** Cuts `bytes` into pieces of the given sizes (the last piece takes the rest). */
export function splitAt(bytes: Uint8Array, ...sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  for (const n of sizes) {
    out.push(bytes.subarray(o, Math.min(bytes.length, o + n)));
    o = Math.min(bytes.length, o + n);
  }
  if (o < bytes.length) out.push(bytes.subarray(o));
  return out;
}

/** Deterministic PRNG (mulberry32) so fuzz runs are reproducible from their seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds the chunks a syscall capture would deliver. `truncateTo` keeps only the
 * head of the bytes while `size` still reports the full length, like the agent's
 * capped copies.
 */
export function chunk(payload: string | Uint8Array, tsNs: bigint, truncateTo?: number): StreamChunk {
  const bytes = typeof payload === 'string' ? utf8(payload) : payload;
  const data = truncateTo === undefined ? bytes : bytes.subarray(0, truncateTo);
  return { data, size: bytes.length, tsNs };
}
