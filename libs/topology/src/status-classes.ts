import { type StatusClass } from './model.js';

/**
 * Status classes per protocol. HTTP keeps its own (1xx … 5xx); every other protocol says whether a
 * call succeeded, failed because of what the client asked (client_error) or failed on the
 * server's side (server_error). `other` is a call without a response or with a status nobody
 * classified. Only server-side failures and unanswered calls are errors: a Redis WRONGTYPE or a
 * SQL unique violation is the caller's mistake, like an HTTP 404, and leaves the server healthy.
 */

/** Protocols whose status is an HTTP status code; gRPC has its own codes (`grpc`). */
export const HTTP_STATUS_PROTOCOLS: readonly string[] = ['http1', 'http2'];

export const HTTP_STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const satisfies readonly StatusClass[];
export const OUTCOME_STATUS_CLASSES = ['ok', 'client_error', 'server_error', 'other'] as const satisfies readonly StatusClass[];

/** The classes a protocol's rows may carry. */
export function statusClassesOf(protocol: string): readonly StatusClass[] {
  return HTTP_STATUS_PROTOCOLS.includes(protocol) ? HTTP_STATUS_CLASSES : OUTCOME_STATUS_CLASSES;
}

/** 4xx and client_error: the server answered and refused what was asked. */
export function isClientErrorClass(statusClass: StatusClass): boolean {
  return statusClass === '4xx' || statusClass === 'client_error';
}

/** 5xx and server_error: the server failed. */
export function isServerErrorClass(statusClass: StatusClass): boolean {
  return statusClass === '5xx' || statusClass === 'server_error';
}

// google.rpc.Code, classed as its documented HTTP mapping (code.proto): 4xx → client, 5xx → server.
const GRPC_CLIENT = new Set([1, 3, 5, 6, 7, 8, 9, 10, 11, 16]); // CANCELLED 499 … RESOURCE_EXHAUSTED 429, ABORTED 409, UNAUTHENTICATED 401
const GRPC_SERVER = new Set([2, 4, 12, 13, 14, 15]); // UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS

// SQLSTATE classes (PostgreSQL appendix A) that say the server, not the statement, failed:
// connection exception, transaction rollback (serialization failure, deadlock), insufficient
// resources, object not in prerequisite state (lock not available), operator intervention,
// system error, snapshot too old, configuration file error, foreign data wrapper error, internal error.
const SQLSTATE_SERVER = new Set(['08', '40', '53', '55', '57', '58', '72', 'F0', 'HV', 'XX']);
// 00 successful completion, 01 warning, 02 no data.
const SQLSTATE_OK = new Set(['00', '01', '02']);

// MySQL server error numbers that are the server's trouble: too many connections, out of memory,
// disk or table full, storage engine error, shutdown, lock wait timeout, deadlock, query killed or
// timed out, lost or aborted connection, unknown error.
const MYSQL_SERVER = new Set([1021, 1030, 1037, 1038, 1040, 1041, 1053, 1105, 1114, 1152, 1153, 1180, 1181, 1205, 1213, 1317, 1927, 2006, 2013, 3024]);

// DNS RCODEs (RFC 1035, 2136): SERVFAIL and NOTIMP are the server's; the rest say the question was
// wrong or not allowed. NXDOMAIN (the name does not exist) is the asker's, as a 404 is.
const DNS_OK = new Set(['NOERROR']);
const DNS_SERVER = new Set(['SERVFAIL', 'NOTIMP']);

// Redis error prefixes (the first word of the reply) that are the server's state, not the command's.
const REDIS_SERVER = new Set(['OOM', 'BUSY', 'LOADING', 'MASTERDOWN', 'READONLY', 'TRYAGAIN', 'CLUSTERDOWN', 'MISCONF', 'NOREPLICAS', 'NOTBUSY', 'UNKILLABLE']);

// Kafka error codes (protocol guide) that are the broker's: unknown server error, corrupt message,
// no leader / not leader, request timed out, broker or replica not available, network exception,
// coordinator loading or not available or moved, not enough replicas, not controller, concurrent
// transactions, storage error, log dir not found, fetch session id not found, offset not available.
const KAFKA_SERVER = new Set([-1, 2, 5, 6, 7, 8, 9, 13, 14, 15, 16, 19, 20, 41, 51, 56, 57, 70, 78]);

const grpcClass = (code: number): StatusClass =>
  code === 0 ? 'ok' : GRPC_SERVER.has(code) ? 'server_error' : GRPC_CLIENT.has(code) ? 'client_error' : 'other';

/**
 * The class of one call from its protocol and its status in the protocol's own words, as the
 * parsers report it (`CallOutcome.status`: "200", "14", "23505", "1062", "NXDOMAIN", "WRONGTYPE"…);
 * null status (no response) is `other`.
 */
export function statusClassOf(protocol: string, status: string | null): StatusClass {
  if (status === null) return 'other';
  const text = status.trim();
  switch (protocol) {
    case 'http1':
    case 'http2':
      return /^[1-5]\d\d$/.test(text) ? (`${text[0]}xx` as StatusClass) : 'other';
    case 'grpc':
      return /^\d+$/.test(text) ? grpcClass(Number(text)) : 'other';
    case 'pgsql': {
      if (!/^[0-9A-Z]{5}$/.test(text)) return 'other';
      const sqlClass = text.slice(0, 2);
      return SQLSTATE_OK.has(sqlClass) ? 'ok' : SQLSTATE_SERVER.has(sqlClass) ? 'server_error' : 'client_error';
    }
    case 'mysql':
      if (text === 'OK') return 'ok';
      if (!/^\d+$/.test(text)) return 'other';
      return MYSQL_SERVER.has(Number(text)) ? 'server_error' : 'client_error';
    case 'dns':
      if (DNS_OK.has(text)) return 'ok';
      if (DNS_SERVER.has(text)) return 'server_error';
      return /^[A-Z][A-Z0-9]*$/.test(text) ? 'client_error' : 'other';
    case 'redis': {
      if (text === 'OK') return 'ok';
      const word = text.split(/\s/, 1)[0] ?? '';
      if (!/^[A-Z][A-Z_]*$/.test(word)) return 'other';
      return REDIS_SERVER.has(word) ? 'server_error' : 'client_error';
    }
    case 'kafka': {
      if (!/^-?\d+$/.test(text)) return 'other';
      const code = Number(text);
      return code === 0 ? 'ok' : KAFKA_SERVER.has(code) ? 'server_error' : 'client_error';
    }
    default:
      return 'other';
  }
}

/**
 * Whether a call counts in `errors`: server-side failures always, client errors never, anything
 * else when the parser saw it fail (no response, a stream reset after an HTTP 200).
 */
export function countsAsError(statusClass: StatusClass, failed: boolean): boolean {
  if (isServerErrorClass(statusClass)) return true;
  if (isClientErrorClass(statusClass)) return false;
  return failed;
}

/** What the agent needs per call: its class and whether it is an error, by one rule. */
export function classifyCall(protocol: string, status: string | null, failed: boolean): { statusClass: StatusClass; error: boolean } {
  const statusClass = statusClassOf(protocol, status);
  return { statusClass, error: countsAsError(statusClass, failed) };
}
