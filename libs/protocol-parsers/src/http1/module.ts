import type { ProtocolModule } from '../core/protocol.js';
import type { Transaction } from '../transaction.js';
import { http2Module } from '../http2/module.js';
import { inferHttp1, inferLenientHttp1Request } from './infer.js';
import { Http1Stitcher } from './stitch.js';

function asHttp1(tx: Transaction) {
  if (tx.protocol !== 'http1') throw new TypeError(`http1 module given a ${tx.protocol} transaction`);
  return tx;
}

/** The operation of a response whose request was never read. */
const NO_REQUEST = '(no request)';

/** Status codes as text, each made once: every call's outcome carries one (status lines have 3 digits). */
const STATUS_TEXT: string[] = [];
const statusText = (status: number): string => (STATUS_TEXT[status] ??= String(status));

export const http1Module: ProtocolModule = {
  name: 'http1',
  transports: ['tcp'],
  portHints: [80, 8080, 8000, 3000],
  infer(firstBytes, transport) {
    if (transport !== 'tcp') return null;
    const kind = inferHttp1(firstBytes);
    if (kind !== null) return { kind, confidence: 0.95 };
    return inferLenientHttp1Request(firstBytes) ? { kind: 'request', confidence: 0.5 } : null;
  },
  createStitcher: (opts = {}) => new Http1Stitcher(opts),
  toReplay(tx) {
    // A connection that switched to HTTP/2 (h2c, CONNECT) hands out HTTP/2 transactions too.
    if (tx.protocol === 'http2') return http2Module.toReplay(tx);
    const { request, response, interim } = asHttp1(tx);
    const req: Record<string, unknown> = { method: request.method, path: request.path, host: request.host, version: request.version };
    if (request.fromResponse) req['from_response'] = true;
    return {
      proto: 'http1',
      req,
      resp: response ? { status: response.status, version: response.version } : null,
      trace: request.trace === null ? null : { trace_id: request.trace.trace_id, span_id: request.trace.span_id },
      // tshark counts every status line: a 100 Continue is a record of its own, printed before the final one.
      ...(interim.length > 0 ? { interim: interim.map((r) => ({ resp: { status: r.status, interim: true }, endNs: r.endNs })) } : {}),
    };
  },
  outcome(tx) {
    if (tx.protocol === 'http2') return http2Module.outcome(tx);
    const { request, response } = asHttp1(tx);
    return {
      operation: request.method ?? NO_REQUEST,
      status: response ? statusText(response.status) : null,
      error: response === null || response.status >= 500,
    };
  },
};
