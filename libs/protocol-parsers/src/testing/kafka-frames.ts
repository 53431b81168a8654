import { concatBytes, utf8 } from './bytes.js';

/** Zig-zag varint, as record fields use. */
function varint(n: number): Uint8Array {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (z >= 0x80) {
    out.push((z & 0x7f) | 0x80);
    z = Math.floor(z / 128);
  }
  out.push(z);
  return Uint8Array.from(out);
}

function be(n: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let v = BigInt.asUintN(bytes * 8, BigInt(n));
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** A magic-2 record batch of one uncompressed record carrying `headers` (CRC left zero: not checked). */
export function recordBatch(value: string, headers: ReadonlyArray<readonly [string, string]>, attributes = 0): Uint8Array {
  const v = utf8(value);
  const body = concatBytes(
    Uint8Array.of(0), varint(0), varint(0), varint(-1), varint(v.length), v, varint(headers.length),
    ...headers.flatMap(([k, val]) => [varint(utf8(k).length), utf8(k), varint(utf8(val).length), utf8(val)]),
  );
  const record = concatBytes(varint(body.length), body);
  const afterLength = concatBytes(
    be(-1, 4), Uint8Array.of(2), be(0, 4), be(attributes, 2), be(0, 4), be(0, 8), be(0, 8), be(-1, 8), be(-1, 2), be(-1, 4), be(1, 4), record,
  );
  return concatBytes(be(0, 8), be(afterLength.length, 4), afterLength);
}

/** A Produce v9 (flexible) request for one topic and partition holding `records`. */
export function produceV9Request(correlationId: number, topic: string, records: Uint8Array, acks = -1): Uint8Array {
  const compactLength = (n: number): Uint8Array => {
    const out: number[] = [];
    let x = n;
    while (x >= 0x80) {
      out.push((x & 0x7f) | 0x80);
      x = Math.floor(x / 128);
    }
    out.push(x);
    return Uint8Array.from(out);
  };
  const t = utf8(topic);
  const body = concatBytes(
    be(0, 2), be(9, 2), be(correlationId, 4), be(6, 2), utf8('tester'), Uint8Array.of(0), // header v2
    Uint8Array.of(0), be(acks, 2), be(1500, 4), // null transactional id, acks, timeout
    compactLength(2), compactLength(t.length + 1), t, compactLength(2), be(0, 4), compactLength(records.length + 1), records,
    Uint8Array.of(0), Uint8Array.of(0), Uint8Array.of(0),
  );
  return concatBytes(be(body.length, 4), body);
}
