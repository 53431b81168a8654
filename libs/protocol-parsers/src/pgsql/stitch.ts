import { StreamBuffer } from '../core/stream-buffer.js';
import type { StreamChunk, StreamDirection } from '../core/stream.js';
import { countCaptureGap } from '../core/stream.js';
import type { ConnectionStitcher, StitchInvalidCode, StitcherOptions, StitcherStats } from '../transaction.js';
import { readBind, readErrorFields, readExecute, readParse, readQuery, readTarget } from './messages.js';
import { PgsqlDecoder } from './parse.js';
import { plausibleStart } from './infer.js';
import {
  CANCEL_REQUEST_CODE, GSSENC_REQUEST_CODE, SSL_REQUEST_CODE,
  type PgsqlErrorCode, type PgsqlFrame, type PgsqlRequestType, type PgsqlResponse, type PgsqlTransaction,
} from './types.js';

const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024;
const MAX_EXPECTED = 1024; // request messages awaiting an answer
const MAX_COMPLETED = 4096;
const MAX_NAMES = 1024; // remembered statement and portal names
const STARTUP = 0; // pseudo message codes for what the startup packets wait for
const SSL = 1;
const c = (s: string): number => s.charCodeAt(0);
const [P, B, D, E, C, S, Q, F] = ['P', 'B', 'D', 'E', 'C', 'S', 'Q', 'F'].map(c) as [number, number, number, number, number, number, number, number];

/**
 * One request in the replay's sense: a simple Query, or one extended-query unit — the messages up to
 * and including an Execute (Parse? Bind? Describe? Execute), or up to a Sync when no Execute came.
 */
interface Unit {
  type: PgsqlRequestType;
  sql: string | null;
  sqlTruncated: boolean;
  statement: string | null;
  portal: string | null;
  startNs: bigint;
  endNs: bigint;
  outstanding: number;
  closed: boolean;
  response: PgsqlResponse | null;
  /** Startup phase: error messages name the user and are not kept. */
  redact: boolean;
}

interface Expected {
  code: number;
  unit: Unit | null;
}

interface Side {
  readonly decoder: PgsqlDecoder;
  readonly buffer: StreamBuffer;
  sync: 'seeking' | 'in-sync';
  fresh: boolean;
  nowNs: bigint;
}

type MutableStats = { -readonly [K in Exclude<keyof StitcherStats, 'bufferedBytes'>]: StitcherStats[K] } & {
  invalid: Partial<Record<StitchCode, number>>;
};
type StitchCode = StitchInvalidCode | PgsqlErrorCode;

/** Which response message answers which request message (the rest are parts of an answer, or asynchronous). */
const ANSWERS: Record<number, readonly number[]> = {
  [c('1')]: [P], [c('2')]: [B], [c('3')]: [C], [c('n')]: [D], [c('s')]: [E], [c('Z')]: [S, Q, F, STARTUP],
};

/**
 * Pairs PostgreSQL frontend and backend messages of one connection. Startup and authentication are
 * followed only to find where queries start: no parameter, user name or password is ever read.
 */
export class PgsqlStitcher implements ConnectionStitcher {
  private readonly maxBuffered: number;
  private req = newSide('request');
  private res = newSide('response');
  private expected: Expected[] = [];
  private open: Unit | null = null;
  private statements = new Map<string, { sql: string; truncated: boolean }>();
  private portals = new Map<string, { sql: string; truncated: boolean; statement: string }>();
  private done: PgsqlTransaction[] = [];
  private encrypted = false;
  private readonly counters: MutableStats = {
    transactions: 0, invalid: {}, bytesSkipped: 0, truncatedGaps: 0, upgraded: 0,
    desyncs: 0, orphanResponses: 0, unansweredRequests: 0, droppedTransactions: 0,
  };

  constructor(opts: StitcherOptions) {
    this.maxBuffered = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  }

  get stats(): StitcherStats {
    return { ...this.counters, invalid: { ...this.counters.invalid }, bufferedBytes: this.req.buffer.length + this.res.buffer.length };
  }

  push(direction: StreamDirection, chunk: StreamChunk): void {
    const data = chunk.data;
    const gap = countCaptureGap(chunk, this.counters);
        if (this.encrypted) return;
    const side = direction === 'request' ? this.req : this.res;
    side.nowNs = chunk.tsNs;
    if (side.sync === 'seeking') {
      const framing = plausibleStart(data, direction, side.fresh);
      if (data.length > 0) side.fresh = false;
      if (framing === null) {
        this.counters.bytesSkipped += data.length;
        return;
      }
      side.sync = 'in-sync';
      side.decoder.reset(framing);
    }
    side.buffer.append(data, chunk.tsNs);
    this.drain(side);
    if (gap > 0 && side.sync === 'in-sync') {
      const absorbed = side.buffer.length > 0 ? 0 : side.decoder.skip(gap);
      if (absorbed < gap) this.desync(side, 'gap-in-framing');
    }
    side.buffer.detach();
  }

  take(): PgsqlTransaction[] {
    const out = this.done;
    this.done = [];
    return out;
  }

  flush(): PgsqlTransaction[] {
    if (this.req.buffer.length > 0 || this.res.buffer.length > 0) this.count('truncated-at-close');
    this.closeOpen();
    for (const e of this.expected.splice(0)) this.answer(e, 0n, false);
    const out = this.take();
    this.req = newSide('request');
    this.res = newSide('response');
    this.open = null;
    this.encrypted = false;
    return out;
  }

  private drain(side: Side): void {
    while (side.sync === 'in-sync' && !this.encrypted) {
      const r = side.decoder.parse(side.buffer.view());
      if (r.kind === 'need-more') {
        if (side.buffer.length > this.maxBuffered) this.desync(side, 'buffer-overflow');
        return;
      }
      if (r.kind === 'invalid') {
        this.desync(side, r.code);
        return;
      }
      if (r.kind === 'frame') {
        const ts = side.buffer.tsAt(0, side.nowNs);
        if (side === this.req) this.onRequest(r.frame, ts);
        else this.onResponse(r.frame, ts);
      }
      side.buffer.consume(r.consumed);
    }
  }

  private onRequest(frame: PgsqlFrame, ts: bigint): void {
    if (frame.type === 'startup') return this.onStartup(frame.code, ts);
    if (frame.type !== 'message') return;
    const body = frame.body;
    switch (frame.code) {
      case Q: {
        this.closeOpen();
        const sql = readQuery(body);
        this.expect(Q, this.newUnit('Query', ts, { sql: sql.value, truncated: sql.truncated }, true));
        return;
      }
      case P: {
        if (this.open !== null && (this.open.type === 'Parse' || this.open.type === 'Bind')) this.closeOpen();
        const { statement, sql } = readParse(body);
        const text = { sql: sql.value, truncated: sql.truncated };
        this.remember(this.statements, statement, text);
        const u = this.unitFor('Parse', ts);
        u.type = 'Parse';
        u.sql = text.sql;
        u.sqlTruncated = text.truncated;
        u.statement = statement;
        return this.expect(P, u);
      }
      case B: {
        const { portal, statement } = readBind(body);
        const text = this.statements.get(statement) ?? null;
        if (text !== null) this.remember(this.portals, portal, { ...text, statement });
        const u = this.unitFor('Bind', ts);
        if (u.sql === null && text !== null) {
          u.sql = text.sql;
          u.sqlTruncated = text.truncated;
        }
        u.statement ??= statement;
        u.portal = portal;
        return this.expect(B, u);
      }
      case D:
        return this.expect(D, this.unitFor('Describe', ts));
      case E: {
        const { portal } = readExecute(body);
        const u = this.unitFor('Execute', ts);
        const bound = this.portals.get(portal);
        if (u.sql === null && bound !== undefined) {
          u.sql = bound.sql;
          u.sqlTruncated = bound.truncated;
          u.statement ??= bound.statement;
        }
        if (u.type !== 'Parse') u.type = 'Execute';
        u.portal = portal;
        this.expect(E, u);
        return this.closeOpen();
      }
      case C: {
        const target = readTarget(body);
        (target.kind === 'S' ? this.statements : this.portals).delete(target.name);
        return this.expect(C, this.unitFor('Close', ts));
      }
      case S: {
        const u = this.open;
        if (u !== null) u.endNs = ts;
        this.expect(S, u);
        return this.closeOpen();
      }
      case F:
        this.closeOpen();
        return this.expect(F, this.newUnit('FunctionCall', ts, null, true));
      default:
        // Flush, Terminate, copy-in data and authentication answers ('p') carry nothing kept.
        return;
    }
  }

  private onStartup(code: number, ts: bigint): void {
    // A startup packet opens the conversation: the server's side starts here too.
    const res = this.res;
    if (res.fresh || (res.sync === 'in-sync' && res.buffer.length === 0)) {
      res.sync = 'in-sync';
      res.fresh = false;
      res.decoder.reset(code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE ? 'ssl-answer' : 'regular');
    }
    if (code === CANCEL_REQUEST_CODE) {
      // The cancel key is a credential: only the fact is recorded. No answer comes.
      const u = this.newUnit('CancelRequest', ts, null, true);
      this.emit(u);
      return;
    }
    if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
      const u = this.newUnit(code === SSL_REQUEST_CODE ? 'SSLRequest' : 'GSSENCRequest', ts, null, true);
      return this.expect(SSL, u);
    }
    this.expect(STARTUP, this.newUnit('Startup', ts, null, true, true));
  }

  private onResponse(frame: PgsqlFrame, ts: bigint): void {
    if (frame.type === 'ssl-answer') {
      const head = this.expected[0];
      if (head?.code !== SSL) return this.orphan();
      this.respond(head.unit, ts).answer = frame.answer;
      this.answer(head, ts, true);
      if (frame.answer !== 'N') {
        // TLS or GSS encryption follows: nothing more is readable on this connection.
        this.encrypted = true;
        this.counters.upgraded++;
        this.req.buffer.clear();
        this.res.buffer.clear();
      }
      return;
    }
    if (frame.type !== 'message') return;
    const code = frame.code;
    const head = this.expected[0];
    if (code === 0x44 /* DataRow */) {
      if (head !== undefined && (head.code === E || head.code === Q)) this.respond(head.unit, ts).rows++;
      return;
    }
    if (code === E) return this.onError(frame.body, ts);
    if (code === c('N')) {
      if (head !== undefined) this.respond(head.unit, ts).notices++;
      return;
    }
    if (code === c('C') || code === c('I')) {
      const target = this.seek([E, Q]);
      if (target === null) return this.orphan();
      const resp = this.respond(target.unit, ts);
      if (code === c('C')) resp.tag = readQuery(frame.body).value;
      if (target.code === E) this.answer(target, ts, true);
      return;
    }
    const answers = ANSWERS[code];
    if (answers !== undefined) {
      const target = this.seek(answers);
      if (target === null) return code === c('Z') && this.expected.length === 0 ? undefined : this.orphan();
      this.respond(target.unit, ts);
      this.answer(target, ts, true);
      return;
    }
    if (code === c('T') && head?.code === D) {
      this.respond(head.unit, ts);
      this.answer(head, ts, true);
    }
    // Authentication, BackendKeyData, ParameterStatus, NotificationResponse, ParameterDescription,
    // copy responses and copy data are followed by the message that completes the exchange.
  }

  private onError(body: Uint8Array, ts: bigint): void {
    const head = this.expected[0];
    if (head === undefined) return this.orphan();
    const fields = readErrorFields(body);
    const resp = this.respond(head.unit, ts);
    resp.sqlstate = fields.sqlstate;
    resp.severity = fields.severity;
    resp.message = head.unit?.redact === true ? null : fields.message;
    if (head.code === STARTUP || head.code === SSL) {
      this.answer(head, ts, true);
      return;
    }
    if (head.code === Q || head.code === F) return; // ReadyForQuery ends it
    // Extended query: the server skips every message up to the next Sync.
    while (this.expected.length > 0 && this.expected[0]?.code !== S) {
      const skipped = this.expected[0];
      if (skipped !== undefined) this.answer(skipped, ts, skipped.unit === head.unit);
    }
  }

  /** The first expected message among `codes`; the ones before it lost their answers. */
  private seek(codes: readonly number[]): Expected | null {
    const at = this.expected.findIndex((e) => codes.includes(e.code));
    if (at < 0) return null;
    for (let i = 0; i < at; i++) {
      const lost = this.expected[0];
      if (lost !== undefined) this.answer(lost, 0n, false);
    }
    return this.expected[0] ?? null;
  }

  private respond(unit: Unit | null, ts: bigint): PgsqlResponse {
    if (unit === null) return scratchResponse();
    unit.response ??= {
      tag: null, sqlstate: null, severity: null, message: null, rows: 0, notices: 0, answer: null, startNs: ts, endNs: ts,
    };
    unit.response.endNs = ts;
    return unit.response;
  }

  /** Removes `e` from the head of the queue; its unit completes once every message is answered. */
  private answer(e: Expected, ts: bigint, answered: boolean): void {
    if (this.expected[0] === e) this.expected.shift();
    const u = e.unit;
    if (u === null) return;
    if (answered && u.response !== null && ts > u.response.endNs) u.response.endNs = ts;
    u.outstanding--;
    if (u.outstanding <= 0 && u.closed) this.emit(u);
  }

  private expect(code: number, unit: Unit | null): void {
    if (unit !== null) unit.outstanding++;
    this.expected.push({ code, unit });
    if (this.expected.length > MAX_EXPECTED) {
      const oldest = this.expected[0];
      if (oldest !== undefined) this.answer(oldest, 0n, false);
    }
  }

  private unitFor(type: PgsqlRequestType, ts: bigint): Unit {
    if (this.open === null) this.open = this.newUnit(type, ts, null, false);
    this.open.endNs = ts;
    return this.open;
  }

  private closeOpen(): void {
    const u = this.open;
    this.open = null;
    if (u === null) return;
    u.closed = true;
    if (u.outstanding <= 0) this.emit(u);
  }

  private newUnit(type: PgsqlRequestType, ts: bigint, text: { sql: string; truncated: boolean } | null, closed: boolean, redact = false): Unit {
    return {
      type, sql: text?.sql ?? null, sqlTruncated: text?.truncated ?? false, statement: null, portal: null,
      startNs: ts, endNs: ts, outstanding: 0, closed, response: null, redact,
    };
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_NAMES) {
      const oldest = map.keys().next();
      if (oldest.done !== true) map.delete(oldest.value);
    }
  }

  private emit(u: Unit): void {
    const awaited = u.type !== 'CancelRequest';
    if (u.response === null && awaited) this.counters.unansweredRequests++;
    this.counters.transactions++;
    this.done.push({
      protocol: 'pgsql',
      request: { type: u.type, sql: u.sql, sqlTruncated: u.sqlTruncated, statement: u.statement, portal: u.portal, startNs: u.startNs, endNs: u.endNs },
      response: u.response,
    });
    if (this.done.length > MAX_COMPLETED) {
      this.done.shift();
      this.counters.droppedTransactions++;
    }
  }

  private orphan(): void {
    this.counters.orphanResponses++;
  }

  private desync(side: Side, code: StitchCode): void {
    this.count(code);
    this.counters.desyncs++;
    this.counters.bytesSkipped += side.buffer.length;
    side.buffer.clear();
    side.decoder.reset();
    side.sync = 'seeking';
    if (side === this.req) this.closeOpen();
  }

  private count(code: StitchCode): void {
    this.counters.invalid[code] = (this.counters.invalid[code] ?? 0) + 1;
  }
}

function newSide(direction: StreamDirection): Side {
  return { decoder: new PgsqlDecoder(direction), buffer: new StreamBuffer(), sync: 'seeking', fresh: true, nowNs: 0n };
}

/** Where a response message without a request goes: counted nowhere. */
function scratchResponse(): PgsqlResponse {
  return { tag: null, sqlstate: null, severity: null, message: null, rows: 0, notices: 0, answer: null, startNs: 0n, endNs: 0n };
}

