import { StreamBuffer } from '../core/stream-buffer.js';
import type { StreamChunk, StreamDirection } from '../core/stream.js';
import { countCaptureGap } from '../core/stream.js';
import type { ConnectionStitcher, StitchInvalidCode, StitcherOptions, StitcherStats } from '../transaction.js';
import { couldStartMysql, isMysqlCommandStart, isMysqlResponseStart } from './infer.js';
import { MysqlDecoder } from './parse.js';
import { handshakeResponseCapabilities, readUint16 } from './payload.js';
import { commandName, isKnownCommand, readCommand } from './request.js';
import { newResponse, stepResponse, type ConnectionFacts, type Exchange } from './response.js';
import {
  CLIENT_DEPRECATE_EOF, CLIENT_PROTOCOL_41, CLIENT_QUERY_ATTRIBUTES, CLIENT_SSL, COM, NO_RESPONSE,
  type MysqlErrorCode, type MysqlPacket, type MysqlRequest, type MysqlTransaction,
} from './types.js';

const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024;
const MAX_PENDING = 256;
const MAX_COMPLETED = 4096;
const MAX_STATEMENTS = 1024;

interface Pending extends Exchange {
  request: MysqlRequest;
}

interface Side {
  readonly decoder: MysqlDecoder;
  readonly buffer: StreamBuffer;
  sync: 'seeking' | 'in-sync';
  fresh: boolean;
  nowNs: bigint;
  /** The previous packet was 0xFFFFFF bytes long: the next one carries the rest of its payload. */
  continuation: boolean;
  lastSeq: number;
}

type StitchCode = StitchInvalidCode | MysqlErrorCode;
type MutableStats = { -readonly [K in Exclude<keyof StitcherStats, 'bufferedBytes'>]: StitcherStats[K] } & {
  invalid: Partial<Record<StitchCode, number>>;
};

/**
 * Pairs MySQL commands with their responses. The connection phase (greeting, HandshakeResponse,
 * authentication) is followed only for the capability flags and its outcome: user names, auth data and
 * the error text of a failed login are never read into a transaction.
 */
export class MysqlStitcher implements ConnectionStitcher {
  private readonly maxBuffered: number;
  private req = newSide();
  private res = newSide();
  private phase: 'unknown' | 'connect' | 'command' | 'encrypted' = 'unknown';
  private capabilities: number | null = null;
  private facts: ConnectionFacts = { deprecateEof: null };
  private connect: Pending | null = null;
  private pending: Pending[] = [];
  private statements = new Map<number, { sql: string; truncated: boolean }>();
  /** Sequence id an optional trailing EOF would carry after a PREPARE_OK read without the capability. */
  private optionalEofSeq = -1;
  private done: MysqlTransaction[] = [];
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
        if (this.phase === 'encrypted') return;
    const side = direction === 'request' ? this.req : this.res;
    side.nowNs = chunk.tsNs;
    if (side.sync === 'seeking') {
      const fresh = side.fresh;
      if (data.length > 0) side.fresh = false;
      const starts = direction === 'request'
        ? isMysqlCommandStart(data) || (fresh && isHandshakeResponse(data))
        : isMysqlResponseStart(data, fresh || this.awaitingFirstPacket());
      if (!starts && !(fresh && couldStartMysql(data, direction))) {
        this.counters.bytesSkipped += data.length;
        return;
      }
      side.sync = 'in-sync';
      side.continuation = false;
      side.decoder.reset();
    }
    side.buffer.append(data, chunk.tsNs);
    this.drain(side);
    if (gap > 0 && side.sync === 'in-sync') {
      const absorbed = side.buffer.length > 0 ? 0 : side.decoder.skip(gap);
      if (absorbed < gap) this.desync(side, 'gap-in-framing');
    }
    side.buffer.detach();
  }

  take(): MysqlTransaction[] {
    const out = this.done;
    this.done = [];
    return out;
  }

  flush(): MysqlTransaction[] {
    if (this.req.buffer.length > 0 || this.res.buffer.length > 0) this.count('truncated-at-close');
    if (this.connect !== null && this.connect.request.startNs >= 0n) this.emit(this.connect, true);
    for (const p of this.pending.splice(0)) this.emit(p, true);
    const out = this.take();
    this.req = newSide();
    this.res = newSide();
    this.phase = 'unknown';
    this.connect = null;
    this.capabilities = null;
    this.facts = { deprecateEof: null };
    this.optionalEofSeq = -1;
    return out;
  }

  private awaitingFirstPacket(): boolean {
    return this.pending.length > 0 && this.pending[0]?.response === null;
  }

  private drain(side: Side): void {
    while (side.sync === 'in-sync' && this.phase !== 'encrypted') {
      const r = side.decoder.parse(side.buffer.view());
      if (r.kind === 'need-more') {
        if (side.buffer.length > this.maxBuffered) this.desync(side, 'buffer-overflow');
        return;
      }
      if (r.kind === 'frame') {
        const packet = r.frame;
        const ts = side.buffer.tsAt(0, side.nowNs);
        const continued = side.continuation;
        side.continuation = packet.continues;
        side.lastSeq = packet.seq;
        if (!continued) {
          if (side === this.req) this.onClientPacket(packet, ts);
          else this.onServerPacket(packet, ts);
        }
      }
      if (side.sync !== 'in-sync') return;
      side.buffer.consume(r.consumed);
    }
  }

  private onClientPacket(pk: MysqlPacket, ts: bigint): void {
    if (this.phase === 'unknown' || this.phase === 'connect') {
      if (pk.seq === 0 && isKnownCommand(pk.payload[0]) && this.phase === 'unknown') {
        this.phase = 'command';
      } else {
        if (pk.seq === 1 && this.capabilities === null) this.onHandshakeResponse(pk, ts);
        return; // authentication data is never read
      }
    }
    if (pk.seq !== 0) return; // LOCAL INFILE contents, COM_CHANGE_USER auth data
    const command = pk.payload[0];
    if (!isKnownCommand(command)) return this.desync(this.req, 'unknown-command');
    const attrs = this.capabilities === null ? null : (this.capabilities & CLIENT_QUERY_ATTRIBUTES) !== 0;
    const f = readCommand(pk.payload, pk.length, attrs);
    let sql = f.sql;
    let sqlTruncated = f.sqlTruncated;
    if (f.command === COM.STMT_EXECUTE && f.statementId !== null) {
      const prepared = this.statements.get(f.statementId);
      sql = prepared?.sql ?? null;
      sqlTruncated = prepared?.truncated ?? false;
    }
    if (f.command === COM.STMT_CLOSE && f.statementId !== null) this.statements.delete(f.statementId);
    const p: Pending = {
      command: f.command, state: { at: 'first' }, response: null, preparedId: null, redact: f.command === COM.CHANGE_USER,
      request: {
        command: commandName(f.command), sql, sqlTruncated, statementId: f.statementId, schema: f.schema, startNs: ts, endNs: ts,
      },
    };
    if (NO_RESPONSE.has(f.command)) return this.emit(p, false);
    this.pending.push(p);
    if (this.pending.length > MAX_PENDING) {
      const oldest = this.pending.shift();
      if (oldest !== undefined) this.emit(oldest, true);
    }
  }

  private onHandshakeResponse(pk: MysqlPacket, ts: bigint): void {
    const caps = handshakeResponseCapabilities(pk.payload);
    this.capabilities = caps;
    this.facts.deprecateEof = (caps & CLIENT_PROTOCOL_41) !== 0 ? (caps & CLIENT_DEPRECATE_EOF) !== 0 : false;
    this.phase = 'connect';
    if ((caps & CLIENT_SSL) !== 0 && pk.length === 32) {
      // SSLRequest: TLS follows, nothing more is readable.
      this.phase = 'encrypted';
      this.counters.upgraded++;
      this.req.buffer.clear();
      this.res.buffer.clear();
      return;
    }
    this.connect ??= newConnect(ts);
    this.connect.request.startNs = ts;
    this.connect.request.endNs = ts;
  }

  private onServerPacket(pk: MysqlPacket, ts: bigint): void {
    const first = pk.payload[0];
    if (this.phase === 'unknown' && pk.seq === 0 && first === 0x0a) {
      this.phase = 'connect';
      this.connect = newConnect(-1n);
      return;
    }
    const refused = this.phase === 'unknown' && pk.seq === 0 && first === 0xff;
    if (this.phase === 'connect' || refused) return this.onAuthPacket(pk, ts);
    if (pk.seq === this.optionalEofSeq && first === 0xfe && pk.length <= 5) {
      this.optionalEofSeq = -1;
      this.facts.deprecateEof = false;
      return;
    }
    this.optionalEofSeq = -1;
    const head = this.pending[0];
    if (head === undefined) {
      this.counters.orphanResponses++;
      return;
    }
    if (stepResponse(head, pk, this.facts, ts) === 'done') {
      this.pending.shift();
      if (head.preparedId !== null && head.request.sql !== null) {
        this.statements.delete(head.preparedId);
        this.statements.set(head.preparedId, { sql: head.request.sql, truncated: head.request.sqlTruncated });
        if (this.statements.size > MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value ?? 0);
        if (head.state.at === 'prepare-eof' && this.facts.deprecateEof === null) this.optionalEofSeq = (pk.seq + 1) & 0xff;
      }
      this.emit(head, true);
    }
  }

  /** Connection phase, server side: only the outcome (OK or ERR code and SQLSTATE) is kept. */
  private onAuthPacket(pk: MysqlPacket, ts: bigint): void {
    const first = pk.payload[0];
    if (first !== 0x00 && first !== 0xff) return; // greeting, auth switch, auth more data
    if (first === 0xff && pk.seq === 0) this.connect ??= newConnect(ts); // refused before the handshake
    const c = this.connect;
    this.phase = 'command';
    this.connect = null;
    if (c === null) return;
    if (c.request.startNs < 0n) c.request.startNs = c.request.endNs = ts;
    c.response = newResponse(ts);
    if (first === 0xff) {
      c.response.kind = 'error';
      c.response.ok = false;
      c.response.errorCode = readUint16(pk.payload, 1);
      c.response.sqlstate = pk.payload[3] === 0x23 ? String.fromCharCode(...pk.payload.subarray(4, 9)) : null;
    } else {
      c.response.kind = 'ok';
    }
    this.emit(c, true);
  }

  private emit(p: Pending, awaited: boolean): void {
    if (p.response === null && awaited) this.counters.unansweredRequests++;
    this.counters.transactions++;
    this.done.push({ protocol: 'mysql', request: p.request, response: p.response });
    if (this.done.length > MAX_COMPLETED) {
      this.done.shift();
      this.counters.droppedTransactions++;
    }
  }

  private desync(side: Side, code: StitchCode): void {
    this.count(code);
    this.counters.desyncs++;
    this.counters.bytesSkipped += side.buffer.length;
    side.buffer.clear();
    side.decoder.reset();
    side.sync = 'seeking';
    side.continuation = false;
    if (side === this.res) {
      // The response in progress lost its end: hand it out with what was read.
      const head = this.pending.shift();
      if (head !== undefined) this.emit(head, true);
    }
  }

  private count(code: StitchCode): void {
    this.counters.invalid[code] = (this.counters.invalid[code] ?? 0) + 1;
  }
}

function newSide(): Side {
  return { decoder: new MysqlDecoder(), buffer: new StreamBuffer(), sync: 'seeking', fresh: true, nowNs: 0n, continuation: false, lastSeq: 0 };
}

function newConnect(ts: bigint): Pending {
  return {
    command: 0x0b, state: { at: 'auth' }, response: null, preparedId: null, redact: true,
    request: { command: 'COM_CONNECT', sql: null, sqlTruncated: false, statementId: null, schema: null, startNs: ts, endNs: ts },
  };
}

/** HandshakeResponse41 (sequence id 1, protocol-4.1 capability bit set, at least 32 bytes). */
function isHandshakeResponse(b: Uint8Array): boolean {
  if (b.length < 4 + 32) return false;
  const length = (b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16);
  return b[3] === 1 && length >= 32 && length < 0x10000 && ((b[4] ?? 0) | ((b[5] ?? 0) << 8)) & CLIENT_PROTOCOL_41 ? true : false;
}
