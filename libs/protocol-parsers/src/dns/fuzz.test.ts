import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createStitcher } from '../stitch.js';
import { concatBytes, mutateBytes, randomPieces, seededRandom } from '../testing/index.js';
import { parseDnsMessage } from './parse.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const dir = path.resolve(repoRoot, '../shared/corpora/dns/vectors/native-dns-packet');
const SEEDS = readdirSync(dir).filter((f) => f.endsWith('.bin')).map((f) => new Uint8Array(readFileSync(path.join(dir, f))));
const INTERESTING = Uint8Array.of(0, 0xc0, 0xc0, 0x0c, 0x3f, 0x40, 0x80, 0xff, 41, 0x29, 1);

describe('DNS fuzz', () => {
  it('parses 5000 mutated messages without throwing, reading names within their caps', () => {
    const rand = seededRandom(5);
    let unreadable = 0;
    for (let n = 0; n < 5000; n++) {
      const input = mutateBytes(SEEDS[n % SEEDS.length] ?? new Uint8Array(0), rand, INTERESTING);
      const m = parseDnsMessage(input, 0, input.length);
      if (typeof m === 'string' || m.qname === null) unreadable++;
      else expect(m.qname.length).toBeLessThanOrEqual(4 * 255);
    }
    expect(unreadable).toBe(FUZZ_UNREADABLE);
  });

  it('stitches 2000 mutated TCP streams, split and truncated, without outgrowing its buffers', () => {
    const rand = seededRandom(8);
    let transactions = 0;
    for (let n = 0; n < 2000; n++) {
      const s = createStitcher('dns', { transport: 'tcp', maxBufferedBytes: 4096 });
      const framed = concatBytes(...SEEDS.slice(n % 6, (n % 6) + 3).map((m) => Uint8Array.of(m.length >> 8, m.length & 0xff, ...m)));
      let ts = 0n;
      for (const piece of randomPieces(mutateBytes(framed, rand, INTERESTING), rand)) {
        const keep = rand() < 0.1 ? Math.floor(rand() * piece.length) : piece.length;
        s.push(rand() < 0.5 ? 'request' : 'response', { data: piece.subarray(0, keep), size: piece.length, tsNs: ++ts });
        expect(s.stats.bufferedBytes).toBeLessThanOrEqual(2 * 4096);
      }
      transactions += s.flush().length;
    }
    expect(transactions).toBe(FUZZ_TRANSACTIONS);
  });
});

const FUZZ_UNREADABLE = 1405;
const FUZZ_TRANSACTIONS = 3368;
