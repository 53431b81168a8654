import { describe, expect, it } from 'vitest';
import { createStitcher } from '../stitch.js';
import { decodeResp, mutateBytes, randomPieces, seededRandom, utf8 } from '../testing/index.js';

const REQUESTS = utf8('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\nPING\r\n*2\r\n$9\r\nSUBSCRIBE\r\n$1\r\nc\r\n*1\r\n$4\r\nPING\r\n');
const REPLIES = utf8(
  '+OK\r\n-ERR x\r\n:12\r\n$3\r\nabc\r\n*2\r\n$9\r\nsubscribe\r\n:1\r\n>2\r\n$7\r\nmessage\r\n_\r\n%1\r\n+a\r\n,1.5\r\n' +
  '|1\r\n+t\r\n#t\r\n~1\r\n(12\r\n$?\r\n;2\r\nab\r\n;0\r\n*?\r\n=7\r\ntxt:abc\r\n.\r\n!3\r\nERR\r\n',
);
const INTERESTING = utf8('\r\n*$%~>|+-:,#_(=!;.?0123456789');
const MAX_BUFFERED = 4096;

describe('RESP fuzz', () => {
  it('decodes 3000 mutated streams identically whole and in random pieces', () => {
    const rand = seededRandom(7);
    let invalid = 0;
    for (let n = 0; n < 3000; n++) {
      const role = n % 2 === 0 ? 'request' : 'response';
      const input = mutateBytes(role === 'request' ? REQUESTS : REPLIES, rand, INTERESTING);
      const whole = decodeResp(role, [input]);
      expect(decodeResp(role, randomPieces(input, rand))).toEqual(whole);
      if (whole.invalid !== null) invalid++;
    }
    expect(invalid).toBe(FUZZ_INVALID);
  });

  it('stitches 2000 mutated, truncated connections without throwing or outgrowing its buffers', () => {
    const rand = seededRandom(11);
    let transactions = 0;
    for (let n = 0; n < 2000; n++) {
      const s = createStitcher('redis', { maxBufferedBytes: MAX_BUFFERED });
      const streams = { request: randomPieces(mutateBytes(REQUESTS, rand, INTERESTING), rand), response: randomPieces(mutateBytes(REPLIES, rand, INTERESTING), rand) };
      let ts = 0n;
      while (streams.request.length + streams.response.length > 0) {
        const dir = streams.request.length > 0 && (streams.response.length === 0 || rand() < 0.5) ? 'request' : 'response';
        const piece = streams[dir].shift() ?? new Uint8Array(0);
        const keep = rand() < 0.1 ? Math.floor(rand() * piece.length) : piece.length;
        s.push(dir, { data: piece.subarray(0, keep), size: piece.length, tsNs: ++ts });
        expect(s.stats.bufferedBytes).toBeLessThanOrEqual(2 * MAX_BUFFERED);
        transactions += s.take().length;
      }
      transactions += s.flush().length;
    }
    expect(transactions).toBe(FUZZ_TRANSACTIONS);
  });
});

const FUZZ_INVALID = 2545;
const FUZZ_TRANSACTIONS = 3258;
