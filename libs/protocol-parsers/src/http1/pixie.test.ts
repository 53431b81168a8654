import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createStitcher } from '../stitch.js';
import {
  decodePieces, readPixieChunkedCases, readPixieMessages, seededRandom, splitAtEveryBoundary, utf8,
} from '../testing/index.js';

// Pixie's socket-tracer HTTP tests (pixie-io/pixie@44d42f1d) are C++; the byte
// strings and expected outcomes are read out of the sources, not retyped.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const dir = path.resolve(repoRoot, '../shared/corpora/http1/vectors/pixie');
const chunkedCases = readPixieChunkedCases(readFileSync(path.join(dir, 'http__body_decoder_test.cc'), 'utf8'));
const messages = readPixieMessages(readFileSync(path.join(dir, 'http__parse_test.cc'), 'utf8'));
const CHUNKED_HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';

describe('Pixie chunked-body vectors', () => {
  it('reads all of them', () => {
    expect(chunkedCases.map((c) => `${c.name}:${c.result}`)).toEqual([
      'Basic:kSuccess', 'IncludingNext:kSuccess', 'Empty:kSuccess', 'Incomplete:kNeedsMoreData', 'InconsistentLength:kInvalid',
      'UnexpectedTerminatorInLength:kInvalid', 'UnexpectedTerminatorInData:kInvalid', 'UnexpectedTerminatorAtEnd:kInvalid',
      'ChunkExtensions:kSuccess', 'Trailers:kSuccess',
    ]);
  });

  for (const c of chunkedCases) {
    it(c.name, () => {
      const input = utf8(CHUNKED_HEAD + c.body);
      const prefixes = c.everyPrefix ? splitAtEveryBoundary(utf8(c.body)).map(([a]) => a.length) : [c.body.length];
      for (const n of prefixes) {
        const got = decodePieces('response', [input.subarray(0, CHUNKED_HEAD.length + n)]);
        const first = got.messages[0];
        if (c.result === 'kInvalid') expect(got.invalid).not.toBeNull();
        if (c.result === 'kNeedsMoreData') expect([got.invalid, first?.complete]).toEqual([null, false]);
        if (c.result === 'kSuccess') expect([got.invalid, first?.complete, first?.bodyBytes]).toEqual([null, true, c.out.length]);
      }
    });
  }
});

describe('Pixie message vectors', () => {
  it('reads the literal messages and their expected fields', () => {
    expect(messages.map((m) => [m.constant, m.method ?? m.status, m.path, m.bodySize])).toEqual([
      ['kHTTPGetReq0', 'GET', '/index.html', 0], ['kHTTPGetReq1', 'GET', '/foo.html', 0], ['kHTTPPostReq0', 'POST', '/test', 27],
      ['kHTTPResp0', 200, null, 9], ['kHTTPResp1', 200, null, 21], ['kHTTPResp2', 200, null, 21],
    ]);
  });

  it('stitches them cut at random points, like Pixie\'s ParseHTTP*Repeatedly stress tests', () => {
    const requests = messages.filter((m) => m.method !== null);
    const responses = messages.filter((m) => m.status !== null);
    const reqBytes = utf8(requests.map((m) => m.bytes).join(''));
    const respBytes = utf8(responses.map((m) => m.bytes).join(''));
    const rand = seededRandom(42);
    for (let iter = 0; iter < 200; iter++) {
      const s = createStitcher('http1');
      let ts = 0n;
      for (const [dir, bytes] of [['request', reqBytes], ['response', respBytes]] as const) {
        const cuts = [0, ...Array.from({ length: 3 }, () => Math.floor(rand() * bytes.length)).sort((a, b) => a - b), bytes.length];
        for (let k = 0; k + 1 < cuts.length; k++) s.push(dir, { data: bytes.subarray(cuts[k], cuts[k + 1]), size: (cuts[k + 1] ?? 0) - (cuts[k] ?? 0), tsNs: ++ts });
      }
      expect(s.take().flatMap((t) => (t.protocol === 'http1' ? [t] : [])).map((t) => [t.request.method, t.request.path, t.request.bodyBytes, t.response?.status, t.response?.bodyBytes])).toEqual(
        requests.map((r, i) => [r.method, r.path, r.bodySize, responses[i]?.status, responses[i]?.bodySize]),
      );
    }
  });
});
