import { describe, expect, it } from 'vitest';
import { createStitcher } from '../stitch.js';
import { splitAtEveryBoundary, utf8 } from '../testing/index.js';
import type { Transaction } from '../transaction.js';
import { http1Module } from './module.js';

// Trace context is read from the request head (only the trace header names are ever copied), and
// no header value outside what the replay schema names (host, trace ids) leaves the parser.
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const REQUEST =
  'POST /orders?id=7 HTTP/1.1\r\nHost: shop.local\r\nAuthorization: Bearer SECRET-authz\r\n' +
  'Cookie: session=SECRET-cookie\r\nProxy-Authorization: Basic SECRET-proxy\r\nX-Api-Key: SECRET-apikey\r\n' +
  `TraceParent: ${TRACEPARENT}\r\ntracestate: congo=t61rcWkgMzE\r\nUser-Agent: SECRET-agent\r\n` +
  'Content-Length: 20\r\n\r\npassword=SECRET-body';
const RESPONSE =
  'HTTP/1.1 201 Created\r\nSet-Cookie: session=SECRET-setcookie; HttpOnly\r\nWWW-Authenticate: SECRET-challenge\r\n' +
  'Content-Length: 15\r\n\r\ntoken=SECRET-rb';

function stitch(pieces: Array<['request' | 'response', Uint8Array]>): Transaction[] {
  const s = createStitcher('http1');
  let ts = 0n;
  for (const [dir, data] of pieces) s.push(dir, { data, size: data.length, tsNs: ++ts });
  return [...s.take(), ...s.flush()];
}

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));

describe('HTTP/1 trace context', () => {
  it('carries the request\'s trace context and emits trace ids in the replay record', () => {
    const [tx, ...rest] = stitch([['request', utf8(REQUEST)], ['response', utf8(RESPONSE)]]);
    expect(rest).toEqual([]);
    if (tx?.protocol !== 'http1') throw new Error('expected one http1 transaction');
    expect(tx.request.trace).toEqual({
      trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331', format: 'w3c', sampled: true, tracestate: 'congo=t61rcWkgMzE',
    });
    expect(http1Module.toReplay(tx)).toEqual({
      proto: 'http1',
      req: { method: 'POST', path: '/orders?id=7', host: 'shop.local', version: '1.1' },
      resp: { status: 201, version: '1.1' },
      trace: { trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' },
    });
  });

  it('reads the same trace context however the head is split', () => {
    for (const [a, b] of splitAtEveryBoundary(utf8(REQUEST))) {
      const [tx] = stitch([['request', a], ['request', b], ['response', utf8(RESPONSE)]]);
      expect(tx?.protocol === 'http1' ? tx.request.trace?.trace_id : null).toBe('0af7651916cd43dd8448eb211c80319c');
    }
  });

  it('reads B3, Jaeger and sw8 heads, and null without trace headers', () => {
    const traceOf = (headers: string) => {
      const [tx] = stitch([['request', utf8(`GET / HTTP/1.1\r\nHost: a\r\n${headers}\r\n`)]]);
      return tx?.protocol === 'http1' ? tx.request.trace : undefined;
    };
    expect(traceOf('b3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1\r\n')?.format).toBe('b3-single');
    expect(traceOf('X-B3-TraceId: 80f198ee56343ba864fe8b2a57d3eff7\r\nX-B3-SpanId: e457b5a2e4d86bd1\r\n')?.format).toBe('b3');
    expect(traceOf('uber-trace-id: abc:def:0:1\r\n')?.span_id).toBe('0000000000000def');
    expect(traceOf('sw8: 1-dA==-cw==-2-c3Zj-aW5zdA==-L2U=-YQ==\r\n')).toEqual({ trace_id: 't', span_id: 's-2', format: 'sw8', sampled: true });
    expect(traceOf('traceparent: 00-00000000000000000000000000000000-b7ad6b7169203331-01\r\n')).toBeNull();
    expect(traceOf('')).toBeNull();
    // A trailer section is not a head: trace headers there are not read.
    const [chunked] = stitch([['request', utf8(`POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\ntraceparent: ${TRACEPARENT}\r\n\r\n`)]]);
    expect(chunked?.protocol === 'http1' ? chunked.request.trace : undefined).toBeNull();
  });
});

describe('HTTP/1 redaction', () => {
  it('lets no header value leave the parser except Host and the trace ids', () => {
    const txs = stitch([['request', utf8(REQUEST)], ['response', utf8(RESPONSE)]]);
    const out = json({ txs, replay: txs.map((t) => http1Module.toReplay(t)), outcome: txs.map((t) => http1Module.outcome(t)) });
    // Every value not named by the schema carries SECRET: none may appear anywhere in what we hand out.
    expect(out.includes('SECRET')).toBe(false);
    expect(out.match(/shop\.local/g)?.length).toBe(2); // request.host and replay req.host
  });
});
