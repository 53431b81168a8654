import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ModuleName } from '../core/protocol.js';
import { createStitcher } from '../stitch.js';
import { concatBytes, mysqlPacket as pk, seededRandom } from '../testing/index.js';

// Seeded mutation fuzz of both SQL wire protocols: never a throw, never more buffered than the cap.
const here = path.dirname(fileURLToPath(import.meta.url));
const recorded = JSON.parse(readFileSync(path.join(here, '../pgsql/cases/pg-extended.json'), 'utf8')) as { chunks: Array<{ dir: string; hex: string }> };
const pgStream = (dir: string) => concatBytes(...recorded.chunks.filter((c) => c.dir === dir).map((c) => Uint8Array.from(Buffer.from(c.hex, 'hex'))));
const MYSQL = {
  request: concatBytes(pk(0, 3, 'SELECT 1'), pk(0, 0x16, 'SELECT ?'), pk(0, 0x17, Uint8Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0)), pk(0, 0x0e)),
  response: concatBytes(pk(1, 1), pk(2, 3, 'def'), pk(3, 0xfe, 0, 0, 2, 0), pk(4, 1, '1'), pk(5, 0xfe, 0, 0, 2, 0),
    pk(1, 0, Uint8Array.of(1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0)), pk(2, 3, 'def'), pk(3, 0xfe, 0, 0, 2, 0),
    pk(1, 0xff, Uint8Array.of(0x26, 0x04), '#23000dup'), pk(1, 0, 0, 0, 2, 0, 0, 0)),
};
const STREAMS: Record<'mysql' | 'pgsql', { request: Uint8Array; response: Uint8Array }> = {
  mysql: MYSQL,
  pgsql: { request: pgStream('request'), response: pgStream('response') },
};
const MAX_BUFFERED = 4096;

function mutate(base: Uint8Array, rand: () => number): Uint8Array {
  let b: Uint8Array = Uint8Array.from(base);
  for (let e = 1 + Math.floor(rand() * 4); e > 0; e--) {
    const at = Math.floor(rand() * (b.length + 1));
    const pick = rand();
    if (pick < 0.4) {
      if (at < b.length) b[at] = [0, 0xff, 0xfe, 0x7f, Math.floor(rand() * 256)][Math.floor(rand() * 5)] ?? 0;
    } else if (pick < 0.7) {
      b = concatBytes(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + Math.floor(rand() * 16))));
    } else {
      const from = Math.floor(rand() * b.length);
      b = concatBytes(b.subarray(0, at), b.subarray(from, from + Math.floor(rand() * 40)), b.subarray(at));
    }
  }
  return b;
}

function pieces(b: Uint8Array, rand: () => number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < b.length;) {
    const n = 1 + Math.floor(rand() * 64);
    out.push(b.subarray(o, o + n));
    o += n;
  }
  return out;
}

function fuzz(protocol: ModuleName, seed: number, runs: number): number {
  const rand = seededRandom(seed);
  const base = STREAMS[protocol as 'mysql' | 'pgsql'];
  let transactions = 0;
  for (let n = 0; n < runs; n++) {
    const s = createStitcher(protocol, { maxBufferedBytes: MAX_BUFFERED });
    const streams = { request: pieces(mutate(base.request, rand), rand), response: pieces(mutate(base.response, rand), rand) };
    let ts = 0n;
    let emitted = 0;
    while (streams.request.length + streams.response.length > 0) {
      const dir = streams.request.length > 0 && (streams.response.length === 0 || rand() < 0.5) ? 'request' : 'response';
      const piece = streams[dir].shift() ?? new Uint8Array(0);
      const keep = rand() < 0.1 ? Math.floor(rand() * piece.length) : piece.length;
      s.push(dir, { data: piece.subarray(0, keep), size: piece.length, tsNs: ++ts });
      expect(s.stats.bufferedBytes).toBeLessThanOrEqual(2 * MAX_BUFFERED);
      emitted += s.take().length;
    }
    emitted += s.flush().length;
    expect(s.stats.transactions).toBe(emitted + s.stats.droppedTransactions);
    transactions += emitted;
  }
  return transactions;
}

describe('SQL wire fuzz', () => {
  it('stitches 2500 mutated, truncated MySQL connections without throwing or outgrowing its buffers', () => {
    expect(fuzz('mysql', 7, 2500)).toBe(FUZZ_MYSQL);
  });
  it('stitches 2500 mutated, truncated PostgreSQL connections without throwing or outgrowing its buffers', () => {
    expect(fuzz('pgsql', 11, 2500)).toBe(FUZZ_PGSQL);
  });
});

// The seeds are fixed, so these counts are too.
const FUZZ_MYSQL = 3633;
const FUZZ_PGSQL = 8158;
