import { describe, expect, it } from 'vitest';
import { createStitcher } from '../stitch.js';
import {
  H2_PREFACE, concatBytes, grpcMessage, h2Data, h2Goaway, h2Headers, h2RstStream, h2Settings, hpackBlock, mutateBytes,
  randomPieces, seededRandom, utf8,
} from '../testing/index.js';
import { HpackDecoder } from './hpack.js';

// Seeded mutation fuzz: wire bytes never throw and never make the stitcher hold more than its cap.
const REQUESTS = concatBytes(
  H2_PREFACE, h2Settings([[1, 8192], [4, 65535]]),
  h2Headers(1, hpackBlock([[':method', 'POST'], [':path', '/p.S/M'], ['content-type', 'application/grpc']], { representation: 'indexed-literal', huffman: true }), false),
  h2Data(1, grpcMessage(utf8('hello')), true),
  h2Headers(3, concatBytes(Uint8Array.of(0x82, 0xbe, 0xbf), hpackBlock([['x', 'y']], { representation: 'never-indexed' })), true),
  h2RstStream(3, 8),
);
const RESPONSES = concatBytes(
  h2Settings([[5, 32768]]), h2Settings([], true),
  h2Headers(1, hpackBlock([[':status', '200'], ['content-type', 'application/grpc']], { representation: 'indexed-literal' }), false),
  h2Data(1, grpcMessage(utf8('world')), false),
  h2Headers(1, hpackBlock([['grpc-status', '0']], { huffman: true }), true),
  h2Goaway(3, 0),
);
const INTERESTING = Uint8Array.of(0x00, 0x01, 0x04, 0x05, 0x08, 0x09, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0xbe, 0xff);
const MAX_BUFFERED = 4096;

describe('fuzz', () => {
  it('stitches 3000 mutated, truncated connections without throwing or outgrowing its buffers', () => {
    const rand = seededRandom(2024);
    let transactions = 0;
    for (let n = 0; n < 3000; n++) {
      const s = createStitcher('http2', { maxBufferedBytes: MAX_BUFFERED });
      const streams = { request: randomPieces(mutateBytes(REQUESTS, rand, INTERESTING), rand), response: randomPieces(mutateBytes(RESPONSES, rand, INTERESTING), rand) };
      let ts = 0n;
      let emitted = 0;
      while (streams.request.length + streams.response.length > 0) {
        const dir = streams.request.length > 0 && (streams.response.length === 0 || rand() < 0.5) ? 'request' : 'response';
        const piece = streams[dir].shift() ?? new Uint8Array(0);
        const keep = rand() < 0.05 ? Math.floor(rand() * piece.length) : piece.length;
        s.push(dir, { data: piece.subarray(0, keep), size: piece.length, tsNs: ++ts });
        expect(s.stats.bufferedBytes).toBeLessThanOrEqual(2 * MAX_BUFFERED);
        emitted += s.take().length;
      }
      emitted += s.flush().length;
      expect(s.stats.transactions).toBe(emitted + s.stats.droppedTransactions);
      transactions += emitted;
    }
    // Fixed seed, fixed count: shows mutated streams still yield (and lose) transactions.
    expect(transactions).toBe(FUZZ_TRANSACTIONS);
  });

  it('decodes 5000 random header blocks without throwing, on fresh and mid-stream decoders', () => {
    const rand = seededRandom(7);
    let errors = 0;
    for (let n = 0; n < 5000; n++) {
      const block = Uint8Array.from({ length: 1 + Math.floor(rand() * 64) }, () => (rand() < 0.3 ? INTERESTING[Math.floor(rand() * INTERESTING.length)] ?? 0 : Math.floor(rand() * 256)));
      const d = new HpackDecoder({ synced: n % 2 === 0 });
      if (d.decode(block, () => undefined) !== null) errors++;
      expect(d.dynamicTableSize).toBeLessThanOrEqual(4096);
    }
    expect(errors).toBe(FUZZ_HPACK_ERRORS);
  });
});

const FUZZ_TRANSACTIONS = 2611;
const FUZZ_HPACK_ERRORS = 4928;
