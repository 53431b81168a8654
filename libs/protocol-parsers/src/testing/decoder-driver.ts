import { Http1Decoder, type Http1Phase } from '../http1/parse.js';
import {
  DEFAULT_HTTP1_LIMITS, type Http1ErrorCode, type Http1FinishResult, type Http1Frame, type Http1Limits, type Http1MessageKind,
} from '../http1/types.js';
import { concatBytes } from './bytes.js';

/** What a decoder made of a byte stream, in a form tests compare for equality. */
export interface DecodedMessage {
  method: string | null;
  url: string | null;
  status: number | null;
  version: string;
  bodyBytes: number;
  complete: boolean;
  /** Rules the lenient decoder let pass (only with lenient `limits`). */
  tolerated?: Http1ErrorCode[];
}

export interface DecodeSummary {
  messages: DecodedMessage[];
  /** The first rule broken, or null when the bytes were a valid (maybe unfinished) stream. */
  invalid: Http1ErrorCode | null;
  phase: Http1Phase;
  finish: Http1FinishResult | null;
}

export interface DecodeOptions {
  /** Method of the request every response answers (e.g. HEAD). */
  requestMethod?: string;
  /** Signal the end of the stream after the last piece. */
  finish?: boolean;
  /** Decoder limits and mode; the strict defaults when absent. */
  limits?: Http1Limits;
}

/**
 * Feeds `pieces` to a fresh decoder the way the stitcher does: unconsumed bytes
 * are kept and presented again with the next piece.
 */
export function decodePieces(kind: Http1MessageKind, pieces: Uint8Array[], opts: DecodeOptions = {}): DecodeSummary {
  const decoder = new Http1Decoder(kind, opts.limits ?? DEFAULT_HTTP1_LIMITS);
  const messages: DecodedMessage[] = [];
  let pending: Uint8Array = new Uint8Array(0);
  let invalid: Http1ErrorCode | null = null;
  for (const piece of pieces) {
    pending = concatBytes(pending, piece);
    for (;;) {
      const r = decoder.parse(pending, opts.requestMethod ?? null);
      if (r.kind === 'need-more') break;
      if (r.kind === 'invalid') {
        invalid = r.code;
        break;
      }
      if (r.kind === 'frame') record(messages, r.frame);
      pending = pending.subarray(r.consumed);
    }
    if (invalid !== null) break;
  }
  let finish: Http1FinishResult | null = null;
  if (opts.finish === true && invalid === null) {
    finish = decoder.finish(pending);
    const last = messages.at(-1);
    if (finish === 'message-end' && last !== undefined) last.complete = true;
  }
  return { messages, invalid, phase: decoder.phase, finish };
}

function record(messages: DecodedMessage[], frame: Http1Frame): void {
  if (frame.type === 'head') {
    const h = frame.head;
    messages.push({
      method: h.kind === 'request' ? h.method : null,
      url: h.kind === 'request' ? h.target : null,
      status: h.kind === 'response' ? h.status : null,
      version: h.version,
      bodyBytes: 0,
      complete: false,
      ...(h.tolerated.length > 0 ? { tolerated: [...h.tolerated] } : {}),
    });
    return;
  }
  const last = messages.at(-1);
  if (last === undefined) return;
  if (frame.type === 'body') last.bodyBytes += frame.length;
  if (frame.type === 'end') last.complete = true;
}
