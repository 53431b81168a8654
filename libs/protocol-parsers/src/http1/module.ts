import type { ProtocolModule } from '../core/protocol.js';
import type { Transaction } from '../transaction.js';
import { http2Module } from '../http2/module.js';
import { inferHttp1 } from './infer.js';
import { Http1Stitcher } from './stitch.js';

function asHttp1(tx: Transaction) {
  if (tx.protocol !== 'http1') throw new TypeError(`http1 module given a ${tx.protocol} transaction`);
  return tx;
}

export const http1Module: ProtocolModule = {
  name: 'http1',
  transports: ['tcp'],
  portHints: [80, 8080, 8000, 3000],
  infer(firstBytes, transport) {
    if (transport !== 'tcp') return null;
    const kind = inferHttp1(firstBytes);
    return kind === null ? null : { kind, confidence: 0.95 };
  },
  createStitcher: (opts = {}) => new Http1Stitcher(opts),
  toReplay(tx) {
    // A connection that switched to HTTP/2 (h2c, CONNECT) hands out HTTP/2 transactions too.
    if (tx.protocol === 'http2') return http2Module.toReplay(tx);
    const { request, response } = asHttp1(tx);
    return {
      proto: 'http1',
      req: { method: request.method, path: request.path, host: request.host, version: request.version },
      resp: response ? { status: response.status, version: response.version } : null,
      trace: request.trace === null ? null : { trace_id: request.trace.trace_id, span_id: request.trace.span_id },
    };
  },
  outcome(tx) {
    if (tx.protocol === 'http2') return http2Module.outcome(tx);
    const { request, response } = asHttp1(tx);
    return {
      operation: request.method,
      status: response ? String(response.status) : null,
      error: response === null || response.status >= 500,
    };
  },
};
