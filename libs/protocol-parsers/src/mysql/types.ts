import type { ParseResult } from '../core/result.js';

/** Why bytes are not MySQL client/server packets. */
export type MysqlErrorCode =
  | 'invalid-sequence' // a packet whose sequence id does not follow the previous one
  | 'unknown-command' // a command packet whose first byte names no command
  | 'unexpected-packet'; // a response packet that fits no state of the exchange

/**
 * One packet: `payload` holds its first bytes (capped), `length` the whole payload length.
 * A packet of exactly 0xFFFFFF bytes continues in the next one (`continues`).
 */
export interface MysqlPacket {
  readonly seq: number;
  readonly length: number;
  readonly payload: Uint8Array;
  readonly continues: boolean;
}

export type MysqlParseResult = ParseResult<MysqlPacket, never>;

export interface MysqlLimits {
  /** Payload bytes kept per packet (SQL text, error messages); the rest is skipped unread. */
  readonly maxPayloadBytes: number;
}

export const DEFAULT_MYSQL_LIMITS: MysqlLimits = Object.freeze({ maxPayloadBytes: 64 * 1024 });

export const MAX_PACKET_LENGTH = 0xffffff;

/** Capability flags the parser needs (MySQL's CLIENT_* constants). */
export const CLIENT_PROTOCOL_41 = 0x200;
export const CLIENT_SSL = 0x800;
export const CLIENT_DEPRECATE_EOF = 0x01000000;
export const CLIENT_QUERY_ATTRIBUTES = 0x08000000;
/** Server status flag: another result set follows this one. */
export const SERVER_MORE_RESULTS_EXISTS = 0x0008;

/** Command names, by command byte (the client's first payload byte in the command phase). */
export const COMMAND_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0x00: 'COM_SLEEP', 0x01: 'COM_QUIT', 0x02: 'COM_INIT_DB', 0x03: 'COM_QUERY', 0x04: 'COM_FIELD_LIST',
  0x05: 'COM_CREATE_DB', 0x06: 'COM_DROP_DB', 0x07: 'COM_REFRESH', 0x08: 'COM_SHUTDOWN', 0x09: 'COM_STATISTICS',
  0x0a: 'COM_PROCESS_INFO', 0x0b: 'COM_CONNECT', 0x0c: 'COM_PROCESS_KILL', 0x0d: 'COM_DEBUG', 0x0e: 'COM_PING',
  0x0f: 'COM_TIME', 0x10: 'COM_DELAYED_INSERT', 0x11: 'COM_CHANGE_USER', 0x12: 'COM_BINLOG_DUMP',
  0x13: 'COM_TABLE_DUMP', 0x14: 'COM_CONNECT_OUT', 0x15: 'COM_REGISTER_SLAVE', 0x16: 'COM_STMT_PREPARE',
  0x17: 'COM_STMT_EXECUTE', 0x18: 'COM_STMT_SEND_LONG_DATA', 0x19: 'COM_STMT_CLOSE', 0x1a: 'COM_STMT_RESET',
  0x1b: 'COM_SET_OPTION', 0x1c: 'COM_STMT_FETCH', 0x1d: 'COM_DAEMON', 0x1e: 'COM_BINLOG_DUMP_GTID',
  0x1f: 'COM_RESET_CONNECTION',
});

export const COM = Object.freeze({
  QUIT: 0x01, INIT_DB: 0x02, QUERY: 0x03, FIELD_LIST: 0x04, STATISTICS: 0x09, PING: 0x0e, CHANGE_USER: 0x11,
  BINLOG_DUMP: 0x12, STMT_PREPARE: 0x16, STMT_EXECUTE: 0x17, STMT_SEND_LONG_DATA: 0x18, STMT_CLOSE: 0x19,
  STMT_RESET: 0x1a, STMT_FETCH: 0x1c, BINLOG_DUMP_GTID: 0x1e,
});

/** Commands the server never answers. */
export const NO_RESPONSE = new Set<number>([COM.QUIT, COM.STMT_SEND_LONG_DATA, COM.STMT_CLOSE]);

export interface MysqlRequest {
  /** `COM_QUERY` …; `COM_CONNECT` stands for the connection phase (handshake and authentication). */
  command: string;
  /** SQL text of COM_QUERY / COM_STMT_PREPARE; for COM_STMT_EXECUTE the prepared text, when it was seen. */
  sql: string | null;
  sqlTruncated: boolean;
  statementId: number | null;
  /** COM_INIT_DB: the database selected. */
  schema: string | null;
  startNs: bigint;
  endNs: bigint;
}

export interface MysqlResponse {
  kind: 'ok' | 'error' | 'resultset' | 'prepared' | 'eof' | 'other';
  ok: boolean;
  errorCode: number | null;
  sqlstate: string | null;
  /** Error text; never kept for the connection phase (it names the user). */
  message: string | null;
  affectedRows: number | null;
  /** Columns of the (last) result set. */
  columns: number | null;
  /** Rows over every result set of the response. */
  rows: number | null;
  /** Result sets (multi-statement queries and procedures return several). */
  resultSets: number;
  startNs: bigint;
  endNs: bigint;
}

export interface MysqlTransaction {
  protocol: 'mysql';
  request: MysqlRequest;
  response: MysqlResponse | null;
}
