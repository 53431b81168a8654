import { COM, SERVER_MORE_RESULTS_EXISTS, type MysqlPacket, type MysqlResponse } from './types.js';
import { isTerminator, lenenc, readErr, readOk, readUint16, readUint32, terminatorStatus } from './payload.js';

/** Where the reading of one response stands. */
export type ResponseState =
  | { readonly at: 'first' }
  | { readonly at: 'columns'; left: number } // column definitions of a result set
  | { readonly at: 'after-columns' } // an EOF may follow (no CLIENT_DEPRECATE_EOF), then rows
  | { readonly at: 'rows' }
  | { readonly at: 'prepare-defs'; left: number[] } // parameter then column definitions of PREPARE_OK
  | { readonly at: 'prepare-eof'; left: number[] } // an EOF may close the section just read
  | { readonly at: 'field-list' } // COM_FIELD_LIST: definitions until EOF
  | { readonly at: 'infile' } // LOCAL INFILE requested: OK/ERR after the client's file
  | { readonly at: 'auth' }; // COM_CHANGE_USER: authentication round trips until OK/ERR

/** What the reader knows of the connection: `deprecateEof` null until the handshake or a result set shows it. */
export interface ConnectionFacts {
  deprecateEof: boolean | null;
}

export interface Exchange {
  command: number;
  state: ResponseState;
  response: MysqlResponse | null;
  /** Set by PREPARE_OK: the statement id the server gave. */
  preparedId: number | null;
  /** The connection phase: error text names the user and is not kept. */
  redact: boolean;
}

/** `done`: the response is complete; `more`: further packets belong to it. */
export type Step = 'done' | 'more';

export function newResponse(ts: bigint): MysqlResponse {
  return {
    kind: 'other', ok: true, errorCode: null, sqlstate: null, message: null, affectedRows: null,
    columns: null, rows: null, resultSets: 0, startNs: ts, endNs: ts,
  };
}

function fail(x: Exchange, r: MysqlResponse, p: Uint8Array): Step {
  const err = readErr(p);
  r.kind = 'error';
  r.ok = false;
  r.errorCode = err.code;
  r.sqlstate = err.sqlstate;
  r.message = x.redact ? null : err.message;
  return 'done';
}

/**
 * Reads one server packet of the response to `x` (never a continuation packet: those carry the rest
 * of the previous payload). Rows are counted, never read.
 */
export function stepResponse(x: Exchange, pk: MysqlPacket, facts: ConnectionFacts, ts: bigint): Step {
  const p = pk.payload;
  const r = (x.response ??= newResponse(ts));
  r.endNs = ts;
  const first = p[0];
  const s = x.state;
  switch (s.at) {
    case 'first':
      if (first === 0xff) return fail(x, r, p);
      if (x.command === COM.STATISTICS) return 'done';
      if (x.command === COM.CHANGE_USER) return first === 0x00 ? ok(x, r, p) : ((x.state = { at: 'auth' }), 'more');
      if (first === 0x00 && x.command === COM.STMT_PREPARE && pk.length >= 9) {
        x.preparedId = readUint32(p, 1);
        r.kind = 'prepared';
        r.columns = readUint16(p, 5);
        const left = [readUint16(p, 7), r.columns].filter((n) => n > 0);
        if (left.length === 0) return 'done';
        x.state = { at: 'prepare-defs', left };
        return 'more';
      }
      if (first === 0x00) return ok(x, r, p);
      if (first === 0xfe && pk.length < 9) {
        r.kind = 'eof';
        return 'done';
      }
      if (first === 0xfb && x.command === COM.QUERY) {
        x.state = { at: 'infile' };
        return 'more';
      }
      if (x.command === COM.FIELD_LIST) {
        x.state = { at: 'field-list' };
        return 'more';
      }
      if (x.command === COM.STMT_FETCH) {
        r.kind = 'resultset';
        x.state = { at: 'rows' };
        return row(x, r, pk);
      }
      return startResultSet(x, r, p);
    case 'columns':
      if (first === 0xff) return fail(x, r, p);
      if (--s.left <= 0) x.state = { at: 'after-columns' };
      return 'more';
    case 'after-columns':
      if (isTerminator(p, pk.length) && facts.deprecateEof !== true && (facts.deprecateEof === false || pk.length <= 5)) {
        facts.deprecateEof = false;
        x.state = { at: 'rows' };
        return 'more';
      }
      x.state = { at: 'rows' };
      if (!isTerminator(p, pk.length) && first !== 0xff) facts.deprecateEof = true;
      return row(x, r, pk);
    case 'rows':
      return row(x, r, pk);
    case 'prepare-defs': {
      const left = s.left;
      left[0] = (left[0] ?? 1) - 1;
      if ((left[0] ?? 0) > 0) return 'more';
      left.shift();
      if (facts.deprecateEof === true) {
        if (left.length === 0) return 'done';
        return 'more';
      }
      x.state = { at: 'prepare-eof', left };
      // Without knowing the capability, the EOF after the last section is read by the stitcher
      // from its sequence id: the response is complete either way.
      return left.length === 0 && facts.deprecateEof === null ? 'done' : 'more';
    }
    case 'prepare-eof':
      if (isTerminator(p, pk.length) && pk.length <= 5) {
        facts.deprecateEof = false;
        x.state = { at: 'prepare-defs', left: s.left };
        return s.left.length === 0 ? 'done' : 'more';
      }
      facts.deprecateEof = true;
      x.state = { at: 'prepare-defs', left: s.left };
      return stepResponse(x, pk, facts, ts);
    case 'field-list':
      if (first === 0xff) return fail(x, r, p);
      if (isTerminator(p, pk.length)) {
        r.kind = 'eof';
        return 'done';
      }
      return 'more';
    case 'infile':
    case 'auth':
      if (first === 0xff) return fail(x, r, p);
      return first === 0x00 ? ok(x, r, p) : 'more';
  }
}

function ok(x: Exchange, r: MysqlResponse, p: Uint8Array): Step {
  const { affectedRows, status } = readOk(p);
  if (r.kind !== 'resultset') r.kind = 'ok';
  r.affectedRows = affectedRows === null ? r.affectedRows : (r.affectedRows ?? 0) + affectedRows;
  // A multi-statement query answers each statement in turn.
  if ((status & SERVER_MORE_RESULTS_EXISTS) !== 0 && x.state.at === 'first') return 'more';
  return 'done';
}

function startResultSet(x: Exchange, r: MysqlResponse, p: Uint8Array): Step {
  const count = lenenc(p, 0);
  if (count === null || count.value === 0) return 'done';
  r.kind = 'resultset';
  r.columns = count.value;
  r.resultSets++;
  r.rows ??= 0;
  x.state = { at: 'columns', left: count.value };
  return 'more';
}

function row(x: Exchange, r: MysqlResponse, pk: MysqlPacket): Step {
  const p = pk.payload;
  if (p[0] === 0xff) {
    r.rows ??= 0;
    return fail(x, r, p);
  }
  if (isTerminator(p, pk.length)) {
    if ((terminatorStatus(p, pk.length) & SERVER_MORE_RESULTS_EXISTS) !== 0) {
      x.state = { at: 'first' };
      return 'more';
    }
    return 'done';
  }
  r.rows = (r.rows ?? 0) + 1;
  return 'more';
}
