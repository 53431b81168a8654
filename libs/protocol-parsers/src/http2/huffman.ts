// HPACK's static Huffman code (RFC 7541 Appendix B). The code is canonical, so the
// bit length of each symbol (0..255, 256 = EOS) defines it completely.
const CODE_LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];
const EOS = 256;

/** Codes per symbol, derived canonically from the lengths (exported for the test encoder). */
export const HUFFMAN_CODES: ReadonlyArray<{ readonly code: number; readonly bits: number }> = (() => {
  const order = CODE_LENGTHS.map((_, s) => s).sort((a, b) => (CODE_LENGTHS[a] ?? 0) - (CODE_LENGTHS[b] ?? 0) || a - b);
  const out: Array<{ code: number; bits: number }> = [];
  let code = 0;
  let prev = CODE_LENGTHS[order[0] ?? 0] ?? 0;
  for (const s of order) {
    const bits = CODE_LENGTHS[s] ?? 0;
    code = code * 2 ** (bits - prev);
    prev = bits;
    out[s] = { code, bits };
    code++;
  }
  return out;
})();

// Decoding walks the code tree four bits at a time (nghttp2's approach): one table
// lookup per nibble instead of one branch per bit. The shortest code is 5 bits, so
// a nibble completes at most one symbol. Entry layout: next state (bits 0-7),
// symbol (bits 8-16, 0x1ff = none), ACCEPT (bit 17: the state may end a string,
// i.e. it is the root or an all-ones prefix under 8 bits), FAIL (bit 18: EOS seen).
const NO_SYMBOL = 0x1ff;
const ACCEPT = 1 << 17;
const FAIL = 1 << 18;

const DECODE_TABLE: Int32Array = (() => {
  // Build the tree: internal nodes are numbered states; leaves are symbols.
  const children: number[][] = [[-1, -1]]; // child >= 0: node; <= -2: symbol (-2 - s)
  for (let s = 0; s <= EOS; s++) {
    const { code, bits } = HUFFMAN_CODES[s] ?? { code: 0, bits: 0 };
    let node = 0;
    for (let i = bits - 1; i >= 0; i--) {
      const bit = Math.floor(code / 2 ** i) % 2;
      const kids = children[node] ?? [-1, -1];
      if (i === 0) {
        kids[bit] = -2 - s;
      } else {
        if ((kids[bit] ?? -1) === -1) {
          kids[bit] = children.length;
          children.push([-1, -1]);
        }
        node = kids[bit] ?? 0;
      }
    }
  }
  // Which states are an all-ones path from the root, and how deep.
  const onesDepth = new Int32Array(children.length).fill(-1);
  onesDepth[0] = 0;
  for (let node = 0, depth = 0; ; depth++) {
    const next = children[node]?.[1] ?? -1;
    if (next < 0) break;
    onesDepth[next] = depth + 1;
    node = next;
  }
  const table = new Int32Array(children.length * 16);
  for (let state = 0; state < children.length; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let symbol = NO_SYMBOL;
      let fail = false;
      for (let i = 3; i >= 0; i--) {
        const child = children[node]?.[(nibble >> i) & 1] ?? -1;
        if (child <= -2) {
          const s = -2 - child;
          if (s === EOS) fail = true;
          symbol = s;
          node = 0;
        } else {
          node = child < 0 ? 0 : child;
        }
      }
      const d = onesDepth[node] ?? -1;
      const accept = d >= 0 && d < 8;
      table[state * 16 + nibble] = node | (symbol << 8) | (accept ? ACCEPT : 0) | (fail ? FAIL : 0);
    }
  }
  return table;
})();

/**
 * Decodes `src[start, end)` into `out` from offset 0; returns the decoded length,
 * or -1 when the bits are not a valid code (EOS inside, padding longer than 7 bits
 * or not all ones). `out` must hold at least `(end - start) * 8 / 5` bytes.
 */
export function huffmanDecode(src: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let state = 0;
  let accept = true;
  let n = 0;
  for (let i = start; i < end; i++) {
    const byte = src[i] ?? 0;
    let t = DECODE_TABLE[(state << 4) | (byte >> 4)] ?? FAIL;
    if ((t & FAIL) !== 0) return -1;
    let sym = (t >> 8) & 0x1ff;
    if (sym !== NO_SYMBOL) out[n++] = sym;
    state = t & 0xff;
    t = DECODE_TABLE[(state << 4) | (byte & 0x0f)] ?? FAIL;
    if ((t & FAIL) !== 0) return -1;
    sym = (t >> 8) & 0x1ff;
    if (sym !== NO_SYMBOL) out[n++] = sym;
    state = t & 0xff;
    accept = (t & ACCEPT) !== 0;
  }
  return accept ? n : -1;
}

/** Huffman-encodes `bytes` (used by tests and the benchmark to build wire data). */
export function huffmanEncode(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let accBits = 0;
  for (const b of bytes) {
    const { code, bits } = HUFFMAN_CODES[b] ?? { code: 0, bits: 0 };
    for (let i = bits - 1; i >= 0; i--) {
      acc = (acc << 1) | (Math.floor(code / 2 ** i) % 2);
      if (++accBits === 8) {
        out.push(acc);
        acc = 0;
        accBits = 0;
      }
    }
  }
  if (accBits > 0) out.push(((acc << (8 - accBits)) | (0xff >> accBits)) & 0xff);
  return Uint8Array.from(out);
}
