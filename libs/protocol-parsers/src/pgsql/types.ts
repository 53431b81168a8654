import type { ParseResult } from '../core/result.js';

/** Why bytes are not PostgreSQL v3 frontend/backend messages. */
export type PgsqlErrorCode =
  | 'invalid-length' // a length field below its minimum, or above the protocol's 1 GiB cap
  | 'unknown-message-type'
  | 'invalid-startup' // a length-prefixed startup packet with an unknown protocol code
  | 'invalid-ssl-answer'; // the byte answering SSLRequest/GSSENCRequest is not 'S', 'N' or 'G'

/** What the next bytes of a direction are expected to be. */
export type PgsqlFraming =
  | 'startup' // client: length-prefixed message without a type byte
  | 'ssl-answer' // server: one byte answering SSLRequest / GSSENCRequest
  | 'regular'; // type byte + Int32 length

export type PgsqlFrame =
  /** A typed message; `body` holds the first bytes of its body (capped), `length` the whole body. */
  | { readonly type: 'message'; readonly code: number; readonly length: number; readonly body: Uint8Array }
  /** A startup-phase packet: `code` is the protocol number (196608 = 3.0) or a request code. */
  | { readonly type: 'startup'; readonly code: number; readonly length: number }
  | { readonly type: 'ssl-answer'; readonly answer: 'S' | 'N' | 'G' };

export type PgsqlParseResult = ParseResult<PgsqlFrame, PgsqlErrorCode>;

export interface PgsqlLimits {
  /** Body bytes kept per message (SQL text, error fields); the rest is counted and skipped. */
  readonly maxBodyBytes: number;
}

export const DEFAULT_PGSQL_LIMITS: PgsqlLimits = Object.freeze({ maxBodyBytes: 64 * 1024 });

export const PROTOCOL_3_0 = 196608;
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

/** Messages a client sends after startup (frontend), by type byte. */
export const FRONTEND_TYPES = new Set<number>([..."QPBDECHSFXdcfp"].map((c) => c.charCodeAt(0)));
/** Messages a server sends (backend), by type byte. */
export const BACKEND_TYPES = new Set<number>([..."RKSZTDCEINtn123sAVGHWdcv"].map((c) => c.charCodeAt(0)));

/** Request kinds in the replay's `req.type`. */
export type PgsqlRequestType =
  | 'Startup' | 'SSLRequest' | 'GSSENCRequest' | 'CancelRequest'
  | 'Query' | 'Parse' | 'Bind' | 'Describe' | 'Execute' | 'Close' | 'Sync' | 'FunctionCall';

export interface PgsqlRequest {
  type: PgsqlRequestType;
  /** SQL text of a Query or Parse; for Bind/Execute the text of the statement they run, when it was seen. */
  sql: string | null;
  /** The SQL text was longer than the decoder keeps. */
  sqlTruncated: boolean;
  /** Prepared statement name ('' is the unnamed statement); null when none is involved. */
  statement: string | null;
  portal: string | null;
  startNs: bigint;
  endNs: bigint;
}

export interface PgsqlResponse {
  /** CommandComplete tag of the last statement (`INSERT 0 1`, `SELECT 5`). */
  tag: string | null;
  /** SQLSTATE of the ErrorResponse, null on success. */
  sqlstate: string | null;
  severity: string | null;
  /** Error text; never kept during startup (it names the user). */
  message: string | null;
  /** DataRow messages. */
  rows: number;
  /** NoticeResponse messages (warnings, not errors). */
  notices: number;
  /** The byte answering SSLRequest / GSSENCRequest. */
  answer: 'S' | 'N' | 'G' | null;
  startNs: bigint;
  endNs: bigint;
}

export interface PgsqlTransaction {
  protocol: 'pgsql';
  request: PgsqlRequest;
  response: PgsqlResponse | null;
}
