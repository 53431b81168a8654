import { describe, expect, it } from 'vitest';
import { protocolModule } from '../registry.js';
import { createStitcher } from '../stitch.js';
import {
  H2_PREFACE, concatBytes, grpcMessage, h2Data, h2Frame, h2Goaway, h2Headers, h2RstStream, h2Settings, hpackBlock,
  splitEachChunk, stitchWire, utf8, type WireChunk,
} from '../testing/index.js';
import type { Transaction } from '../transaction.js';

const h2 = protocolModule('http2');
const replay = (txs: Transaction[]) => txs.map((t) => (t.protocol === 'http2' ? h2.toReplay(t) : protocolModule('http1').toReplay(t)));
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function req(streamId: number, fields: Array<readonly [string, string]>, endStream = true, opts = {}): Uint8Array {
  return h2Headers(streamId, hpackBlock(fields, opts), endStream);
}

/** Every case is also read with each chunk cut in two at every byte boundary. */
function expectSameWhenSplit(protocol: 'http1' | 'http2', chunks: WireChunk[], expected: unknown): void {
  expect(replay(stitchWire(protocol, chunks))).toEqual(expected);
  let runs = 0;
  for (const split of splitEachChunk(chunks)) {
    expect(replay(stitchWire(protocol, split))).toEqual(expected);
    runs++;
  }
  expect(runs).toBe(chunks.reduce((n, c) => n + c.data.length - 1, 0));
}

describe('HTTP/2 stitcher', () => {
  it('prior knowledge: one GET, credentials never kept, trace context read', () => {
    const chunks: WireChunk[] = [
      { dir: 'request', data: concatBytes(H2_PREFACE, h2Settings([[4, 65535]])) },
      {
        dir: 'request', data: h2Headers(1, concatBytes(
          hpackBlock([[':method', 'GET'], [':scheme', 'https'], [':path', '/a?b=1'], [':authority', 'example.com'], ['traceparent', TRACEPARENT], ['cookie', 'sid=SECRET1']], { representation: 'indexed-literal', huffman: true }),
          hpackBlock([['authorization', 'Bearer SECRET2'], ['proxy-authorization', 'Basic SECRET4']], { representation: 'never-indexed' }),
        ), true),
      },
      { dir: 'response', data: concatBytes(h2Settings(), h2Settings([], true), req(1, [[':status', '200'], ['set-cookie', 'a=SECRET3']], false)) },
      { dir: 'response', data: h2Data(1, 'hello', true) },
    ];
    const expected = [{ proto: 'http2', req: { method: 'GET', path: '/a?b=1', host: 'example.com', stream_id: 1 }, resp: { status: 200 }, trace: { trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' } }];
    expectSameWhenSplit('http2', chunks, expected);
    const txs = stitchWire('http2', chunks);
    expect(JSON.stringify(txs, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toMatch(/SECRET/);
    expect(txs[0]?.protocol === 'http2' ? [txs[0].response?.bodyBytes, txs[0].request.headersDecoded] : null).toEqual([5, true]);
  });

  it('gRPC: multiplexed calls, trailers and trailers-only answers, in completion order', () => {
    const call = (id: number, method: string) => req(id, [[':method', 'POST'], [':scheme', 'http'], [':path', `/helloworld.Greeter/${method}`], [':authority', 'svc:50051'], ['content-type', 'application/grpc']], false);
    const chunks: WireChunk[] = [
      { dir: 'request', data: concatBytes(H2_PREFACE, h2Settings(), call(1, 'SayHello'), call(3, 'SayBye')) },
      { dir: 'request', data: concatBytes(h2Data(3, grpcMessage(utf8('bye')), true), h2Data(1, concatBytes(grpcMessage(utf8('a')), grpcMessage(utf8('bc'))), true)) },
      { dir: 'response', data: concatBytes(h2Settings(), req(3, [[':status', '200'], ['content-type', 'application/grpc']], false), h2Data(3, grpcMessage(utf8('ok')), false)) },
      { dir: 'response', data: req(3, [['grpc-status', '3'], ['grpc-message', 'bad%20arg%3A%20%E2%82%AC']], true) },
      { dir: 'response', data: req(1, [[':status', '200'], ['content-type', 'application/grpc'], ['grpc-status', '12'], ['grpc-message', 'unimplemented']], true) },
    ];
    expectSameWhenSplit('http2', chunks, [
      { proto: 'grpc', req: { service: 'helloworld.Greeter', method: 'SayBye', path: '/helloworld.Greeter/SayBye', host: 'svc:50051', stream_id: 3 }, resp: { status: 200, grpc_status: 3, grpc_message: 'bad arg: €' }, trace: null },
      { proto: 'grpc', req: { service: 'helloworld.Greeter', method: 'SayHello', path: '/helloworld.Greeter/SayHello', host: 'svc:50051', stream_id: 1 }, resp: { status: 200, grpc_status: 12, grpc_message: 'unimplemented' }, trace: null },
    ]);
    const one = stitchWire('http2', chunks)[1];
    expect(one?.protocol === 'http2' ? [one.request.grpcMessages, one.request.bodyBytes] : null).toEqual([2, 13]);
    expect(h2.outcome(one ?? ({} as Transaction))).toEqual({ operation: 'helloworld.Greeter/SayHello', status: '12', error: true });
  });

  it('RST_STREAM from the server and GOAWAY give transactions with the reset code', () => {
    const get = (id: number) => req(id, [[':method', 'GET'], [':path', `/${id}`], [':authority', 'h']]);
    const chunks: WireChunk[] = [
      { dir: 'request', data: concatBytes(H2_PREFACE, get(1), get(3), get(5)) },
      { dir: 'response', data: concatBytes(h2Settings(), h2RstStream(1, 7), h2Goaway(3, 0)) },
      { dir: 'response', data: req(3, [[':status', '204']], true) },
    ];
    expectSameWhenSplit('http2', chunks, [
      { proto: 'http2', req: { method: 'GET', path: '/1', host: 'h', stream_id: 1 }, resp: { status: null, reset_code: 7, reset_error: 'REFUSED_STREAM', reset_by: 'server' }, trace: null },
      { proto: 'http2', req: { method: 'GET', path: '/5', host: 'h', stream_id: 5 }, resp: { status: null, reset_code: 0, reset_error: 'NO_ERROR', reset_by: 'server' }, trace: null },
      { proto: 'http2', req: { method: 'GET', path: '/3', host: 'h', stream_id: 3 }, resp: { status: 204 }, trace: null },
    ]);
  });

  it('a client RST_STREAM still takes the response already on its way', () => {
    const chunks: WireChunk[] = [
      { dir: 'request', data: concatBytes(H2_PREFACE, req(1, [[':method', 'GET'], [':path', '/slow']]), h2RstStream(1, 8)) },
      { dir: 'response', data: concatBytes(h2Settings(), req(1, [[':status', '200']], true)) },
    ];
    expect(replay(stitchWire('http2', chunks))).toEqual([
      { proto: 'http2', req: { method: 'GET', path: '/slow', host: null, stream_id: 1 }, resp: { status: 200, reset_code: 8, reset_error: 'CANCEL', reset_by: 'client' }, trace: null },
    ]);
  });

  it('mid-stream start: resyncs on a frame boundary and marks fields it cannot decode', () => {
    const s = createStitcher('http2');
    const chunks: WireChunk[] = [
      { dir: 'request', data: utf8('tail of an earlier DATA payload') },
      // :method GET (static 2), :path from dynamic index 62 (unseen), literal :authority.
      { dir: 'request', data: h2Headers(7, concatBytes(Uint8Array.of(0x82, 0xbe), hpackBlock([[':authority', 'a.example']])), true) },
      { dir: 'response', data: h2Headers(7, Uint8Array.of(0x88), true) },
    ];
    expect(replay(stitchWire('http2', chunks, s))).toEqual([
      { proto: 'http2', req: { method: 'GET', path: null, host: 'a.example', stream_id: 7 }, resp: { status: 200 }, trace: null },
    ]);
    expect(s.stats.invalid).toEqual({ 'hpack-unknown-fields': 1 });
    expect(s.stats.bytesSkipped).toBe(31);
  });

  it('CONTINUATION assembly, padding and a header block over the cap (lost, counted)', () => {
    const block = hpackBlock([[':method', 'GET'], [':path', '/continued'], [':authority', 'c']]);
    const padded = concatBytes(Uint8Array.of(3), block.subarray(0, 5), Uint8Array.of(0, 0, 0));
    const chunks: WireChunk[] = [
      { dir: 'request', data: concatBytes(H2_PREFACE, h2Frame(1, 0x8 | 0x1, 1, padded), h2Frame(9, 0, 1, block.subarray(5, 9)), h2Frame(9, 4, 1, block.subarray(9))) },
      { dir: 'request', data: req(3, [[':method', 'GET'], [':path', '/big'], ['x-big', 'x'.repeat(2000)]]) },
      { dir: 'response', data: concatBytes(req(1, [[':status', '200']], true), req(3, [[':status', '200']], true)) },
    ];
    const s = createStitcher('http2', { maxBufferedBytes: 1024 });
    expect(replay(stitchWire('http2', chunks, s))).toEqual([
      { proto: 'http2', req: { method: 'GET', path: '/continued', host: 'c', stream_id: 1 }, resp: { status: 200 }, trace: null },
      { proto: 'http2', req: { method: null, path: null, host: null, stream_id: 3 }, resp: { status: 200 }, trace: null },
    ]);
    expect(s.stats.invalid).toEqual({ 'header-block-lost': 1 });
  });

  it('a truncated capture inside a DATA payload keeps framing and counts the body', () => {
    const s = createStitcher('http2');
    s.push('request', { data: concatBytes(H2_PREFACE, req(1, [[':method', 'POST'], [':path', '/up']], false)), size: 0, tsNs: 1n });
    const body = h2Data(1, 'x'.repeat(1000), true);
    s.push('request', { data: body.subarray(0, 100), size: body.length, tsNs: 2n });
    s.push('response', { data: req(1, [[':status', '201']], true), size: 0, tsNs: 3n });
    const [tx] = s.take();
    expect(tx?.protocol === 'http2' ? [tx.request.bodyBytes, tx.response?.status, tx.request.endNs] : null).toEqual([1000, 201, 2n]);
    expect(s.stats.truncatedGaps).toBe(1);
  });
});

describe('switching from HTTP/1.1', () => {
  const upgradeReq = 'GET /robots.txt HTTP/1.1\r\nHost: nghttp2.org\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n';

  it('h2c: after the 101 the connection is HTTP/2 and the upgrade request is stream 1', () => {
    const chunks: WireChunk[] = [
      { dir: 'request', data: utf8(upgradeReq) },
      { dir: 'response', data: concatBytes(utf8('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'), h2Settings(), req(1, [[':status', '200']], false)) },
      { dir: 'request', data: concatBytes(H2_PREFACE, h2Settings(), req(3, [[':method', 'GET'], [':path', '/humans.txt'], [':authority', 'nghttp2.org']])) },
      { dir: 'response', data: concatBytes(h2Data(1, 'User-agent: *', true), req(3, [[':status', '404']], true)) },
    ];
    expectSameWhenSplit('http1', chunks, [
      { proto: 'http1', req: { method: 'GET', path: '/robots.txt', host: 'nghttp2.org', version: '1.1' }, resp: { status: 101, version: '1.1' }, trace: null },
      { proto: 'http2', req: { method: 'GET', path: '/robots.txt', host: 'nghttp2.org', stream_id: 1 }, resp: { status: 200 }, trace: null },
      { proto: 'http2', req: { method: 'GET', path: '/humans.txt', host: 'nghttp2.org', stream_id: 3 }, resp: { status: 404 }, trace: null },
    ]);
  });

  it('CONNECT tunnel: HTTP/2 inside when the client sends the preface, even after the server spoke first', () => {
    const chunks: WireChunk[] = [
      { dir: 'request', data: utf8('CONNECT 127.0.0.1:6233 HTTP/1.1\r\nHost: 127.0.0.1:6233\r\n\r\n') },
      { dir: 'response', data: utf8('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n') },
      { dir: 'response', data: h2Settings() },
      { dir: 'request', data: concatBytes(H2_PREFACE, h2Settings(), req(1, [[':method', 'POST'], [':path', '/p.S/M'], ['content-type', 'application/grpc']], true)) },
      { dir: 'response', data: req(1, [[':status', '200'], ['content-type', 'application/grpc'], ['grpc-status', '0']], true) },
    ];
    expect(replay(stitchWire('http1', chunks))).toEqual([
      { proto: 'http1', req: { method: 'CONNECT', path: '127.0.0.1:6233', host: '127.0.0.1:6233', version: '1.1' }, resp: { status: 200, version: '1.1' }, trace: null },
      { proto: 'grpc', req: { service: 'p.S', method: 'M', path: '/p.S/M', host: null, stream_id: 1 }, resp: { status: 200, grpc_status: 0, grpc_message: null }, trace: null },
    ]);
  });

  it('a websocket upgrade is not handed to HTTP/2', () => {
    const s = createStitcher('http1');
    const txs = stitchWire('http1', [
      { dir: 'request', data: utf8('GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n') },
      { dir: 'response', data: utf8('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00') },
      { dir: 'request', data: concatBytes(H2_PREFACE, h2Settings()) },
    ], s);
    expect(txs.map((t) => t.protocol)).toEqual(['http1']);
    expect(s.stats.upgraded).toBe(1);
  });
});
