import { inferHttp1 } from './http1/infer.js';

export interface InferredProtocol {
  readonly protocol: 'http1';
  readonly kind: 'request' | 'response';
}

/**
 * Names the protocol a stream speaks from its first bytes alone (no port
 * guessing), or null. Never throws; binary data answers null.
 */
export function inferProtocol(firstBytes: Uint8Array): InferredProtocol | null {
  const http1 = inferHttp1(firstBytes);
  return http1 === null ? null : { protocol: 'http1', kind: http1 };
}
