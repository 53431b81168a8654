import { isPlausibleRequest } from './api.js';
import { readRequestHeader } from './parse.js';
import { KafkaReader } from './reader.js';

/**
 * Whether the first bytes of a connection are a Kafka request: a size prefix that covers at least
 * the header, a known api key with a version it defines, and a client id that fits (like Pixie's
 * kafka inference). Responses carry only a correlation id and are not inferred on their own.
 */
export function inferKafka(b: Uint8Array): 'request' | null {
  if (b.length < 14) return null;
  const size = (((b[0] ?? 0) << 24) | ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0)) >>> 0;
  if (size < 10 || size > 100 * 1024 * 1024) return null;
  const apiKey = ((b[4] ?? 0) << 8) | (b[5] ?? 0);
  const apiVersion = ((b[6] ?? 0) << 8) | (b[7] ?? 0);
  if (!isPlausibleRequest(apiKey, apiVersion)) return null;
  const r = new KafkaReader(b, 4, Math.min(b.length, 4 + size));
  const header = readRequestHeader(r);
  if (header === null || header.correlationId < 0) return null;
  // A client id is printable text; binary noise rarely passes this.
  const id = header.clientId ?? '';
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0xfffd) return null;
  }
  return 'request';
}
