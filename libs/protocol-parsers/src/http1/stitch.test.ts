import { describe, expect, it } from 'vitest';
import { createStitcher } from '../stitch.js';
import { chunk } from '../testing/index.js';
import type { ConnectionStitcher, Http1Transaction, Transaction } from '../transaction.js';

type Push = ['request' | 'response', string, bigint, number?];

const http1Only = (txs: Transaction[]): Http1Transaction[] => txs.flatMap((t) => (t.protocol === 'http1' ? [t] : []));

function run(pushes: Push[], flush = false): { txs: Http1Transaction[]; s: ConnectionStitcher } {
  const s = createStitcher('http1');
  const txs: Http1Transaction[] = [];
  for (const [dir, text, ts, truncateTo] of pushes) {
    s.push(dir, chunk(text, ts, truncateTo));
    txs.push(...http1Only(s.take()));
  }
  if (flush) txs.push(...http1Only(s.flush()));
  return { txs, s };
}

const req = (method: string, path: string, startNs: bigint, endNs = startNs, bodyBytes = 0, host: string | null = 'a') =>
  ({ method, path, host, version: '1.1' as const, fromResponse: false, startNs, endNs, bodyBytes, trace: null });
const resp = (status: number, startNs: bigint, endNs = startNs, bodyBytes = 0) =>
  ({ status, version: '1.1' as const, startNs, endNs, bodyBytes });
const tx = (request: ReturnType<typeof req>, response: ReturnType<typeof resp> | null): Http1Transaction =>
  ({ protocol: 'http1', request, response, interim: [] });

const orphan = (response: ReturnType<typeof resp>): Http1Transaction => ({
  protocol: 'http1',
  request: {
    method: null, path: null, host: null, version: null, fromResponse: true, startNs: response.startNs, endNs: response.startNs, bodyBytes: 0,
    trace: null,
  },
  response,
  interim: [],
});

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`;
const OK = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('Http1 stitcher', () => {
  it('pairs keep-alive exchanges in order', () => {
    const { txs, s } = run([
      ['request', GET('/a'), 1n], ['response', OK('hello'), 2n],
      ['request', GET('/b'), 3n], ['response', OK(''), 4n],
    ]);
    expect(txs).toEqual([tx(req('GET', '/a', 1n), resp(200, 2n, 2n, 5)), tx(req('GET', '/b', 3n), resp(200, 4n))]);
    expect(s.stats.transactions).toBe(2);
    expect(s.stats.invalid).toEqual({});
  });

  it('pairs pipelined requests: three requests, then three responses', () => {
    const { txs } = run([
      ['request', GET('/1') + GET('/2') + GET('/3'), 10n],
      ['response', OK('a') + OK('bb'), 20n],
      ['response', OK('ccc'), 21n],
    ]);
    expect(txs).toEqual([
      tx(req('GET', '/1', 10n), resp(200, 20n, 20n, 1)),
      tx(req('GET', '/2', 10n), resp(200, 20n, 20n, 2)),
      tx(req('GET', '/3', 10n), resp(200, 21n, 21n, 3)),
    ]);
  });

  it('follows a chunked body across chunks; endNs is the chunk holding the last byte', () => {
    const { txs } = run([
      ['request', 'POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', 1n],
      ['request', 'lo\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n', 2n],
      ['request', '\r\n', 3n],
      ['response', 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n', 4n],
      ['response', '3\r\nabc\r\n0\r\n\r\n', 5n],
    ]);
    expect(txs).toEqual([tx(req('POST', '/up', 1n, 3n, 11), resp(201, 4n, 5n, 3))]);
  });

  it('reads no body after HEAD, 204 and 304', () => {
    const { txs, s } = run([
      ['request', 'HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n' + GET('/n') + GET('/m') + GET('/g'), 1n],
      ['response', 'HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n', 2n],
      ['response', 'HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n', 3n],
      ['response', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n' + OK('xy'), 4n],
    ]);
    expect(txs.map((t) => [t.request.path, t.response?.status, t.response?.bodyBytes])).toEqual([
      ['/h', 200, 0], ['/n', 204, 0], ['/m', 304, 0], ['/g', 200, 2],
    ]);
    expect(s.stats.invalid).toEqual({});
  });

  it('does not complete a transaction on 100 Continue, but keeps its status as an interim response', () => {
    const { txs } = run([
      ['request', 'PUT /f HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n', 1n],
      ['response', 'HTTP/1.1 100 Continue\r\n\r\n', 2n],
      ['request', 'data', 3n],
      ['response', OK('done'), 4n],
    ]);
    expect(txs).toEqual([{ ...tx(req('PUT', '/f', 1n, 3n, 4), resp(200, 4n, 4n, 4)), interim: [{ status: 100, startNs: 2n, endNs: 2n }] }]);
  });

  it('stops at a 101 upgrade and ignores the tunnelled bytes', () => {
    const { txs, s } = run([
      ['request', 'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', 1n],
      ['response', 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x05hello', 2n],
      ['request', '\x81\x85garbage', 3n],
      ['response', GET('/not-http-any-more'), 4n],
    ], true);
    expect(txs).toEqual([tx(req('GET', '/ws', 1n), resp(101, 2n))]);
    expect(s.stats.upgraded).toBe(1);
    expect(s.stats.invalid).toEqual({});
  });

  it('stops at CONNECT 200 and resumes HTTP when an upgrade is declined', () => {
    const tunnel = run([
      ['request', 'CONNECT db:5432 HTTP/1.1\r\nHost: db:5432\r\n\r\n\x16\x03\x01', 1n],
      ['response', 'HTTP/1.1 200 Connection Established\r\n\r\n\x16\x03\x03', 2n],
      ['request', GET('/x'), 3n],
    ], true);
    expect(tunnel.txs).toEqual([tx(req('CONNECT', 'db:5432', 1n, 1n, 0, 'db:5432'), resp(200, 2n))]);
    expect(tunnel.s.stats.upgraded).toBe(1);

    const declined = run([
      ['request', 'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n' + GET('/next'), 1n],
      ['response', OK('no') + OK('yes'), 2n],
    ]);
    expect(declined.txs.map((t) => [t.request.path, t.response?.bodyBytes])).toEqual([['/ws', 2], ['/next', 3]]);
    expect(declined.s.stats.upgraded).toBe(0);
  });

  it('skips truncation gaps that fall inside bodies of known length', () => {
    const body = 'x'.repeat(1000);
    const { txs, s } = run([
      ['request', `POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n${body}`, 1n, 200],
      ['response', OK(body), 2n, 100],
      ['request', GET('/c'), 3n],
      ['response', `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n${body.slice(0, 8)}`, 4n],
      ['response', body.slice(8), 5n, 500], // the last 492 bytes of the chunk are a gap
      ['response', '\r\n0\r\n\r\n', 6n],
    ]);
    expect(txs).toEqual([
      tx(req('POST', '/big', 1n, 1n, 1000), resp(200, 2n, 2n, 1000)),
      tx(req('GET', '/c', 3n), resp(200, 4n, 6n, 1000)),
    ]);
    expect(s.stats.truncatedGaps).toBe(3);
    expect(s.stats.desyncs).toBe(0);
  });

  it('resynchronises after a gap inside a head, and counts it', () => {
    const { txs, s } = run([
      ['request', GET('/lost') + 'X-Pad: ' + 'p'.repeat(100) + '\r\n\r\n', 1n, 20],
      ['response', OK('1'), 2n],
      ['request', 'more of the lost head\r\n\r\n', 3n],
      ['request', GET('/found'), 4n],
      ['response', OK('22'), 5n],
    ]);
    // The response to the lost request is handed out alone (tshark counts it too).
    expect(txs).toEqual([orphan(resp(200, 2n, 2n, 1)), tx(req('GET', '/found', 4n), resp(200, 5n, 5n, 2))]);
    expect(s.stats.desyncs).toBe(1);
    expect(s.stats.invalid).toEqual({ 'gap-in-framing': 1 });
    expect(s.stats.orphanResponses).toBe(1);
  });

  it('starts mid-stream: drops bytes until a chunk starts a message', () => {
    const { txs, s } = run([
      ['response', 'tail of an earlier body', 1n],
      ['request', 'ader: x\r\n\r\n', 2n],
      ['request', GET('/first-seen'), 3n],
      ['response', OK('ok'), 4n],
    ]);
    expect(txs).toEqual([tx(req('GET', '/first-seen', 3n), resp(200, 4n, 4n, 2))]);
    expect(s.stats.bytesSkipped).toBe(23 + 11);
    expect(s.stats.desyncs).toBe(0);
  });

  it('accepts a first write too short to show the start line, but not one later', () => {
    const { txs, s } = run([
      ['request', 'GET', 1n], ['request', ' /slow HTTP/1.1\r\nHost: a\r\n\r\n', 2n], ['response', OK(''), 3n],
      ['request', 'GE', 4n, 1], ['request', 'T /x HTTP/1.1\r\n\r\n', 5n],
    ]);
    expect(txs).toEqual([tx(req('GET', '/slow', 1n, 2n), resp(200, 3n))]);
    expect(s.stats.invalid).toEqual({ 'gap-in-framing': 1 });
  });

  it('completes a response delimited by the close on flush, and hands out unanswered requests', () => {
    const { txs, s } = run([
      ['request', GET('/stream') + GET('/never'), 1n],
      ['response', 'HTTP/1.1 200 OK\r\n\r\nsome', 2n],
      ['response', ' more', 3n],
    ], true);
    expect(txs).toEqual([tx(req('GET', '/stream', 1n), resp(200, 2n, 3n, 9)), tx(req('GET', '/never', 1n), null)]);
    expect(s.stats.unansweredRequests).toBe(1);
  });

  it('after losing the response stream, pairs the next response with the newest request sent', () => {
    const { txs, s } = run([
      ['request', GET('/1'), 1n],
      ['response', 'HTTP/1.1 200 OK\r\nContent-Len', 2n, 20],
      ['response', 'gth: 5\r\n\r\nhello', 3n],
      ['request', GET('/2'), 4n],
      ['response', OK('two'), 5n],
    ]);
    expect(txs).toEqual([tx(req('GET', '/1', 1n), null), tx(req('GET', '/2', 4n), resp(200, 5n, 5n, 3))]);
    expect(s.stats.desyncs).toBe(1);
  });

  it('caps buffered bytes: an endless head is dropped and counted', () => {
    const s = createStitcher('http1', { maxBufferedBytes: 64 * 1024 });
    s.push('request', chunk('GET /x HTTP/1.1\r\nX-Long: ', 1n));
    for (let i = 0; i < 40; i++) s.push('request', chunk('y'.repeat(1000), BigInt(2 + i)));
    expect(s.stats.invalid).toEqual({ 'head-too-large': 1 });
    expect(s.stats.bufferedBytes).toBe(0);
    expect(s.take()).toEqual([]);
  });
});
