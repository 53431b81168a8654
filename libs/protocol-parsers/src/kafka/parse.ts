import { NEED_MORE, frameResult, invalidResult } from '../core/result.js';
import { API_KEY, isFlexible, isPlausibleRequest } from './api.js';
import { KafkaReader } from './reader.js';
import { decodeRequestBody } from './request-body.js';
import { decodeResponseBody } from './response-body.js';
import { DEFAULT_KAFKA_LIMITS, type KafkaLimits, type KafkaParseResult, type KafkaRequestHeader } from './types.js';

/** api key + api version + correlation id: the smallest request after the size prefix. */
const MIN_REQUEST = 8;
const MIN_RESPONSE = 4;

/** The request a response answers: responses do not repeat their api key or version. */
export interface PendingApi {
  readonly apiKey: number;
  readonly apiVersion: number;
}

export interface KafkaParseOptions {
  readonly limits?: KafkaLimits;
  /**
   * No further bytes of this frame will arrive contiguously (the capture truncated it): decode the
   * head from what is there instead of waiting.
   */
  readonly truncated?: boolean;
}

function readSize(input: Uint8Array): number {
  return (((input[0] ?? 0) << 24) | ((input[1] ?? 0) << 16) | ((input[2] ?? 0) << 8) | (input[3] ?? 0)) >>> 0;
}

/**
 * How much of a `size`-byte frame to decode now: all of it when buffered, its head when the frame is
 * too large to buffer (or truncated), or null to wait for more.
 */
function available(input: Uint8Array, size: number, limits: KafkaLimits, truncated: boolean): number | null {
  if (input.length >= 4 + size) return 4 + size;
  if (input.length >= 4 + limits.maxBufferedFrameBytes || truncated) return input.length;
  return null;
}

/** Reads the request header (v1, or v2 with tagged fields for flexible versions); null when implausible. */
export function readRequestHeader(r: KafkaReader): KafkaRequestHeader | null {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  if (r.failed || !isPlausibleRequest(apiKey, apiVersion)) return null;
  // ControlledShutdown v0 is the one request still using header v0 (no client id).
  const clientId = apiKey === API_KEY.ControlledShutdown && apiVersion === 0 ? null : r.string(false);
  if (isFlexible(apiKey, apiVersion)) r.skipTaggedFields();
  return r.failed ? null : { apiKey, apiVersion, correlationId, clientId };
}

/** One request frame from the start of `input` (its 4-byte size prefix first). */
export function parseKafkaRequest(input: Uint8Array, opts: KafkaParseOptions = {}): KafkaParseResult {
  const limits = opts.limits ?? DEFAULT_KAFKA_LIMITS;
  if (input.length < 4) return NEED_MORE;
  const size = readSize(input);
  if (size < MIN_REQUEST || size > limits.maxFrameBytes) return invalidResult('invalid-length', 4);
  const end = available(input, size, limits, opts.truncated === true);
  if (end === null) {
    // Judge the header as soon as it is here, so garbage is not buffered up to the frame size.
    if (input.length >= 12 && !isPlausibleRequest(readInt16(input, 4), readInt16(input, 6))) return invalidResult('invalid-request-header', 8);
    return NEED_MORE;
  }
  const r = new KafkaReader(input, 4, end);
  const header = readRequestHeader(r);
  if (header === null) return invalidResult('invalid-request-header', Math.min(end, 8));
  const body = decodeRequestBody(r, header.apiKey, header.apiVersion, isFlexible(header.apiKey, header.apiVersion));
  return frameResult({ kind: 'request', header, body, size, skip: 4 + size - end }, end);
}

/** One response frame; `pending` names the api of the request with that correlation id. */
export function parseKafkaResponse(
  input: Uint8Array, pending: (correlationId: number) => PendingApi | undefined, opts: KafkaParseOptions = {},
): KafkaParseResult {
  const limits = opts.limits ?? DEFAULT_KAFKA_LIMITS;
  if (input.length < 4) return NEED_MORE;
  const size = readSize(input);
  if (size < MIN_RESPONSE || size > limits.maxFrameBytes) return invalidResult('invalid-length', 4);
  const end = available(input, size, limits, opts.truncated === true);
  if (end === null || end < 8) return end === null || opts.truncated !== true ? NEED_MORE : invalidResult('invalid-length', end);
  const r = new KafkaReader(input, 4, end);
  const correlationId = r.int32();
  const api = pending(correlationId);
  if (api === undefined) {
    return frameResult({
      kind: 'response', correlationId, known: false, size, skip: 4 + size - end,
      body: { errorCode: null, topics: [], partitions: 0, complete: false },
    }, end);
  }
  // ApiVersions answers in header v0 whatever its version, so old brokers can read it.
  const flexible = isFlexible(api.apiKey, api.apiVersion);
  if (flexible && api.apiKey !== API_KEY.ApiVersions) r.skipTaggedFields();
  const body = decodeResponseBody(r, api.apiKey, api.apiVersion, flexible);
  return frameResult({ kind: 'response', correlationId, known: true, body, size, skip: 4 + size - end }, end);
}

function readInt16(b: Uint8Array, at: number): number {
  const v = ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
  return v > 0x7fff ? v - 0x10000 : v;
}
