// The stitcher's observer mode: what real peers sent and the server answered is reported (as tshark
// reads it), with each broken rule counted, never silently dropped. The strict decoder the llhttp
// fixtures run is unchanged (llhttp.test.ts).
import { describe, expect, it } from 'vitest';
import { createStitcher } from '../stitch.js';
import { chunk, splitAtEveryBoundary, utf8 } from '../testing/index.js';
import type { Transaction } from '../transaction.js';
import { inferProtocol } from '../registry.js';
import { http1Module } from './module.js';

type Row = [method: string | null, path: string | null, version: string | null, status: number | null, interim: number[]];

interface Exchange {
  request: string;
  response: string;
}

function rows(txs: Transaction[]): Row[] {
  return txs.flatMap((t) => (t.protocol === 'http1'
    ? [[t.request.method, t.request.path, t.request.version, t.response?.status ?? null, t.interim.map((i) => i.status)] satisfies Row]
    : []));
}

/** Request bytes at t=1 (in the given pieces), response bytes at t=2, then the close. */
function stitch(request: Uint8Array[], response: Uint8Array[]): { rows: Row[]; invalid: Partial<Record<string, number>> } {
  const s = createStitcher('http1');
  const txs: Transaction[] = [];
  for (const piece of request) s.push('request', chunk(piece, 1n));
  for (const piece of response) s.push('response', chunk(piece, 2n));
  txs.push(...s.take(), ...s.flush());
  return { rows: rows(txs), invalid: s.stats.invalid };
}

/**
 * Whole, and split into two pieces at every byte boundary of each direction: the same transactions.
 * (The counters may differ: a first piece that cannot start a message is skipped before it is judged.)
 */
function observe(x: Exchange): { rows: Row[]; invalid: Partial<Record<string, number>> } {
  const req = utf8(x.request);
  const res = utf8(x.response);
  const whole = stitch([req], [res]);
  for (const pieces of splitAtEveryBoundary(req)) expect(stitch(pieces, [res]).rows).toEqual(whole.rows);
  for (const pieces of splitAtEveryBoundary(res)) expect(stitch([req], pieces).rows).toEqual(whole.rows);
  return whole;
}

const BAD_REQUEST = 'HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n';

describe('Http1 stitcher, observer mode', () => {
  it('reads request lines without a valid version the way tshark does', () => {
    expect(observe({ request: 'OPTIONS HTTP/1.1\nHost: a\n\n', response: BAD_REQUEST })).toEqual({
      rows: [['OPTIONS', 'HTTP/1.1', null, 400, []]], invalid: { 'unsupported-version': 1 },
    });
    expect(observe({ request: 'GET / HTTP/1.\nHost: a\n\n', response: BAD_REQUEST }).rows).toEqual([['GET', '/', null, 400, []]]);
    expect(observe({ request: 'OPTIONS\nHost: a\n\n', response: BAD_REQUEST }).rows).toEqual([['OPTIONS', '', null, 400, []]]);
    expect(observe({ request: 'GET /uri afterspace HTTP/1.1\r\nHost: a\r\n\r\n', response: BAD_REQUEST })).toEqual({
      rows: [['GET', '/uri', null, 400, []]], invalid: { 'invalid-version': 1 },
    });
    expect(observe({ request: 'CCM_POST / HTTP/1.1\r\n\r\n', response: BAD_REQUEST }).rows).toEqual([['CCM_POST', '/', '1.1', 400, []]]);
  });

  it('hands out a response whose request could not be read, with fromResponse and no method', () => {
    const { rows: got } = observe({ request: 'OPTIONSHTTP/1.1\nHost: a\n\n', response: BAD_REQUEST });
    expect(got).toEqual([[null, null, null, 400, []]]);
    const s = createStitcher('http1');
    s.push('response', chunk(BAD_REQUEST, 5n));
    const [tx] = s.flush();
    expect(tx === undefined ? null : http1Module.toReplay(tx)).toEqual({
      proto: 'http1', req: { method: null, path: null, host: null, version: null, from_response: true }, resp: { status: 400, version: '1.0' }, trace: null,
    });
    expect(s.stats.orphanResponses).toBe(1);
  });

  it('reports smuggling probes and keeps reading after them (Transfer-Encoding overrides Content-Length)', () => {
    const teCl = 'POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 50\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n';
    expect(observe({ request: teCl, response: '' })).toEqual({
      rows: [['POST', '/', '1.1', null, []], ['GET', '/smuggled', '1.1', null, []]],
      invalid: { 'content-length-with-transfer-encoding': 1 },
    });
    const huge = 'POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\nGET /next HTTP/1.1\r\n\r\n';
    expect(observe({ request: huge, response: '' })).toEqual({
      rows: [['POST', '/', '1.1', null, []], ['GET', '/next', '1.1', null, []]], invalid: { 'invalid-content-length': 1 },
    });
    const multiTe = 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\nGET /next HTTP/1.1\r\n\r\n';
    expect(observe({ request: multiTe, response: '' }).rows).toEqual([['POST', '/', '1.1', null, []], ['GET', '/next', '1.1', null, []]]);
  });

  it('takes the last of differing Content-Lengths, as tshark does', () => {
    const body = 'bar=1&foo=2POST /evil.php HTTP/1.1\r\nContent-Length:8\r\n\r\nevilbar=';
    const request = `POST /which.php HTTP/1.1\r\nContent-Length:11\r\nContent-Length:${body.length}\r\n\r\n${body}POST /bad.php HTTP/1.1\r\nContent-Length:3\r\n\r\nbad`;
    expect(observe({ request, response: 'HTTP/1.0 501 Unsupported\r\nConnection: close\r\n\r\nno' })).toEqual({
      rows: [['POST', '/which.php', '1.1', 501, []], ['POST', '/bad.php', '1.1', null, []]], invalid: { 'duplicate-content-length': 1 },
    });
  });

  it('keeps each interim status and prints it as a record of its own in the replay', () => {
    const request = 'POST /upload HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\nok';
    const response = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    expect(observe({ request, response }).rows).toEqual([['POST', '/upload', '1.1', 200, [100, 100]]]);
    const s = createStitcher('http1');
    s.push('request', chunk(request, 1n));
    s.push('response', chunk(response, 2n));
    const [tx] = s.flush();
    expect(tx === undefined ? null : http1Module.toReplay(tx).interim).toEqual([
      { resp: { status: 100, interim: true }, endNs: 2n }, { resp: { status: 100, interim: true }, endNs: 2n },
    ]);
  });

  it('reads response heads with folded, nameless or bare-CR lines (http-evader) and frames their bodies', () => {
    const folded = 'HTTP/1.1 200 ok\r\nTransfer-Encoding: \r\n \r\n chunked\r\nFoo Bar: x\r\nA\x0b:b\r\n\r\n2\r\nhi\r\n0\r\n\r\nHTTP/1.1 204 No\r\n\r\n';
    expect(observe({ request: 'GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n', response: folded })).toEqual({
      rows: [['GET', '/a', '1.1', 200, []], ['GET', '/b', '1.1', 204, []]], invalid: { 'obs-fold': 1, 'invalid-header-name': 1 },
    });
    const bareCr = 'HTTP/1.1 200 ok\rContent-length: 68\r\n\r\nbody until close';
    expect(observe({ request: 'GET /c HTTP/1.1\r\n\r\n', response: bareCr })).toEqual({
      rows: [['GET', '/c', '1.1', 200, []]], invalid: { 'bare-cr': 1 },
    });
  });

  it('reads a request sent after one that said the connection closes (HTTP/1.0 reuse)', () => {
    const request = 'GET /1 HTTP/1.0\r\n\r\nGET /2 HTTP/1.0\r\n\r\n';
    const response = 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nb';
    expect(observe({ request, response })).toEqual({
      rows: [['GET', '/1', '1.0', 200, []], ['GET', '/2', '1.0', 200, []]], invalid: { 'data-after-close': 2 },
    });
  });

  it('infers HTTP/1 from a versionless request line only when a header field follows, and less surely', () => {
    expect(inferProtocol(utf8('GET /gen.php?x=1\r\nHost: a\r\n\r\n'))).toEqual({ protocol: 'http1', kind: 'request', confidence: 0.5 });
    expect(inferProtocol(utf8('GET /a b HTTP/1.1\r\nHost: a\r\n\r\n'))).toEqual({ protocol: 'http1', kind: 'request', confidence: 0.5 });
    expect(inferProtocol(utf8('GET / HTTP/1.\r\nHost: a\r\n\r\n'))).toBeNull();
    expect(inferProtocol(utf8('GET /\r\n'))).toBeNull();
  });
});
