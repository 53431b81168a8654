import { concatBytes } from './bytes.js';

/** One to four random edits (byte flips, insertions from `interesting`, deletions, duplications). */
export function mutateBytes(base: Uint8Array, rand: () => number, interesting: Uint8Array): Uint8Array {
  let b: Uint8Array = Uint8Array.from(base);
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (b.length + 1));
    const pick = rand();
    if (pick < 0.3) {
      if (at < b.length) b[at] = Math.floor(rand() * 256);
    } else if (pick < 0.6) {
      b = concatBytes(b.subarray(0, at), Uint8Array.of(interesting[Math.floor(rand() * interesting.length)] ?? 0), b.subarray(at));
    } else if (pick < 0.8) {
      b = concatBytes(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + Math.floor(rand() * 16))));
    } else {
      const from = Math.floor(rand() * b.length);
      b = concatBytes(b.subarray(0, at), b.subarray(from, from + Math.floor(rand() * 40)), b.subarray(at));
    }
  }
  return b;
}

/** Cuts `b` into random pieces of 1–48 bytes. */
export function randomPieces(b: Uint8Array, rand: () => number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let o = 0; o < b.length; ) {
    const n = 1 + Math.floor(rand() * 48);
    pieces.push(b.subarray(o, o + n));
    o += n;
  }
  return pieces;
}
