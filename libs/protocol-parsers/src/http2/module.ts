import type { ProtocolModule, ReplayFields } from '../core/protocol.js';
import { extractTraceContext } from '../trace/index.js';
import type { Transaction } from '../transaction.js';
import { isGrpcContentType, splitGrpcPath } from './grpc.js';
import { inferHttp2 } from './infer.js';
import { Http2Stitcher } from './stitch.js';
import type { Http2Transaction } from './types.js';

function asHttp2(tx: Transaction): Http2Transaction {
  if (tx.protocol !== 'http2') throw new TypeError(`http2 module given a ${tx.protocol} transaction`);
  return tx;
}

/** gRPC when either side says `application/grpc…` and `:path` names a service and method. */
function grpcCall(tx: Http2Transaction): { service: string; method: string } | null {
  if (!isGrpcContentType(tx.request.contentType) && !isGrpcContentType(tx.response?.contentType ?? null)) return null;
  return splitGrpcPath(tx.request.path);
}

function replay(tx: Http2Transaction): ReplayFields {
  const { request, response, reset } = tx;
  const grpc = grpcCall(tx);
  const resetFields = reset === null ? {} : { reset_code: reset.errorCode, reset_error: reset.errorName, reset_by: reset.by };
  const resp = response === null && reset === null ? null : {
    status: response?.status ?? null,
    ...(grpc === null ? {} : { grpc_status: response?.grpcStatus ?? null, grpc_message: response?.grpcMessage ?? null }),
    ...resetFields,
  };
  const req = grpc === null
    ? { method: request.method, path: request.path, host: request.authority, stream_id: tx.streamId }
    : { service: grpc.service, method: grpc.method, path: request.path, host: request.authority, stream_id: tx.streamId };
  const trace = extractTraceContext(request.traceHeaders);
  return { proto: grpc === null ? 'http2' : 'grpc', req, resp, trace: trace === null ? null : { trace_id: trace.trace_id, span_id: trace.span_id } };
}

export const http2Module: ProtocolModule = {
  name: 'http2',
  transports: ['tcp'],
  portHints: [443, 8443, 50051, 8080],
  infer(firstBytes, transport) {
    return transport === 'tcp' ? inferHttp2(firstBytes) : null;
  },
  createStitcher: (opts = {}) => new Http2Stitcher(opts),
  toReplay: (tx) => replay(asHttp2(tx)),
  outcome(tx) {
    const h2 = asHttp2(tx);
    const grpc = grpcCall(h2);
    const r = h2.response;
    if (grpc !== null) {
      const code = r?.grpcStatus ?? null;
      return { operation: `${grpc.service}/${grpc.method}`, status: code === null ? null : String(code), error: code !== 0 };
    }
    const status = r?.status ?? null;
    return {
      operation: h2.request.method ?? 'UNKNOWN',
      status: status === null ? null : String(status),
      error: status === null || status >= 500 || h2.reset !== null,
    };
  },
};
