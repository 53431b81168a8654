import { describe, expect, it } from 'vitest';
import { createStitcher } from '../stitch.js';
import { concatBytes, mysqlPacket as pk, splitEachChunk, stitchWire, type WireChunk } from '../testing/index.js';
import type { Transaction } from '../transaction.js';
import { mysqlModule } from './module.js';

// Conversations built packet by packet from the MySQL client/server protocol documentation.
const le32 = (n: number) => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);
const GREETING = pk(0, 0x0a, '8.0.36\0', le32(7), 'abcdefgh', 0, Uint8Array.of(0xff, 0xff), 0x21, Uint8Array.of(2, 0), Uint8Array.of(0xff, 0x01), 21, new Uint8Array(10), 'ijklmnopqrst\0', 'caching_sha2_password\0');
const clientCaps = (deprecateEof: boolean) => le32(0x0200 | 0x8000 | 0x80000 | (deprecateEof ? 0x01000000 : 0));
const HANDSHAKE = (deprecateEof: boolean) => pk(1, clientCaps(deprecateEof), le32(1 << 24), 0x21, new Uint8Array(23), 'alice\0', 20, new Uint8Array(20), 'caching_sha2_password\0');
const OK = (seq: number, affected = 0, status = 2) => pk(seq, 0, affected, 0, Uint8Array.of(status, 0), Uint8Array.of(0, 0));
const EOF = (seq: number, status = 2) => pk(seq, 0xfe, Uint8Array.of(0, 0), Uint8Array.of(status, 0));
const OK_FE = (seq: number, status = 2) => pk(seq, 0xfe, 0, 0, Uint8Array.of(status, 0), Uint8Array.of(0, 0));
const ERR = (seq: number, code: number, state: string, msg: string) => pk(seq, 0xff, Uint8Array.of(code & 0xff, code >> 8), `#${state}${msg}`);
const COLDEF = (seq: number, name: string) => pk(seq, 3, 'def', 4, 'test', 1, 't', 1, 't', name.length, name, name.length, name, 0x0c, new Uint8Array(12));
const ROW = (seq: number, value: string) => pk(seq, value.length, value);
const BINROW = (seq: number, n: number) => pk(seq, 0, 0, le32(n));

function conversation(deprecateEof: boolean): WireChunk[] {
  const end = (seq: number) => (deprecateEof ? OK_FE(seq) : EOF(seq));
  const afterCols = (seq: number) => (deprecateEof ? [] : [EOF(seq)]);
  return [
    { dir: 'response', data: GREETING },
    { dir: 'request', data: HANDSHAKE(deprecateEof) },
    { dir: 'response', data: OK(2) },
    { dir: 'request', data: pk(0, 3, 'SELECT id FROM t WHERE name = \'x\'') },
    { dir: 'response', data: concatBytes(pk(1, 1), COLDEF(2, 'id'), ...afterCols(3), ROW(deprecateEof ? 3 : 4, '1'), ROW(deprecateEof ? 4 : 5, '2'), end(deprecateEof ? 5 : 6)) },
    { dir: 'request', data: pk(0, 0x16, 'SELECT name FROM t WHERE id = ?') },
    { dir: 'response', data: concatBytes(pk(1, 0, le32(7), Uint8Array.of(1, 0), Uint8Array.of(1, 0), 0, Uint8Array.of(0, 0)), COLDEF(2, '?'), ...afterCols(3), COLDEF(deprecateEof ? 3 : 4, 'name'), ...afterCols(5)) },
    { dir: 'request', data: pk(0, 0x17, le32(7), 0, le32(1), 0, 1, Uint8Array.of(3, 0), le32(42)) },
    { dir: 'response', data: concatBytes(pk(1, 1), COLDEF(2, 'name'), ...afterCols(3), BINROW(deprecateEof ? 3 : 4, 5), end(deprecateEof ? 4 : 5)) },
    { dir: 'request', data: pk(0, 0x19, le32(7)) },
    { dir: 'request', data: pk(0, 3, 'INSERT INTO t VALUES (1)') },
    { dir: 'response', data: ERR(1, 1062, '23000', "Duplicate entry '1' for key 'PRIMARY'") },
    { dir: 'request', data: pk(0, 3, 'UPDATE t SET a = 1') },
    { dir: 'response', data: OK(1, 3) },
    { dir: 'request', data: pk(0, 2, 'test') },
    { dir: 'response', data: OK(1) },
    { dir: 'request', data: pk(0, 0x0e) },
    { dir: 'response', data: OK(1) },
    { dir: 'request', data: pk(0, 1) },
  ];
}

const view = (txs: Transaction[]) => txs.map((t) => {
  const { req, resp } = mysqlModule.toReplay(t);
  return [req.command, req.sql ?? req.schema ?? null, resp === null ? null : [resp.kind, resp.error_code, resp.sqlstate, resp.affected_rows, resp.rows]];
});

const EXPECTED = [
  ['COM_CONNECT', null, ['ok', null, null, null, null]],
  ['COM_QUERY', "SELECT id FROM t WHERE name = 'x'", ['resultset', null, null, null, 2]],
  ['COM_STMT_PREPARE', 'SELECT name FROM t WHERE id = ?', ['prepared', null, null, null, null]],
  ['COM_STMT_EXECUTE', 'SELECT name FROM t WHERE id = ?', ['resultset', null, null, null, 1]],
  ['COM_STMT_CLOSE', null, null],
  ['COM_QUERY', 'INSERT INTO t VALUES (1)', ['error', 1062, '23000', null, null]],
  ['COM_QUERY', 'UPDATE t SET a = 1', ['ok', null, null, 3, null]],
  ['COM_INIT_DB', 'test', ['ok', null, null, 0, null]],
  ['COM_PING', null, ['ok', null, null, 0, null]],
  ['COM_QUIT', null, null],
];

describe('MySQL stitcher', () => {
  for (const deprecateEof of [false, true]) {
    it(`reads a session ${deprecateEof ? 'with' : 'without'} CLIENT_DEPRECATE_EOF`, () => {
      const s = createStitcher('mysql');
      expect(view(stitchWire('mysql', conversation(deprecateEof), s))).toEqual(EXPECTED);
      expect(s.stats.invalid).toEqual({});
      expect(s.stats.unansweredRequests).toBe(0);
    });

    it(`reads it the same split at every byte boundary (${deprecateEof ? 'with' : 'without'} DEPRECATE_EOF)`, () => {
      for (const chunks of splitEachChunk(conversation(deprecateEof))) expect(view(stitchWire('mysql', chunks))).toEqual(EXPECTED);
    });

    it(`picks it up mid-stream, without the handshake (${deprecateEof ? 'with' : 'without'} DEPRECATE_EOF)`, () => {
      expect(view(stitchWire('mysql', conversation(deprecateEof).slice(3)))).toEqual(EXPECTED.slice(1));
    });
  }

  it('never stores the user name, auth data or a failed login\'s message', () => {
    const txs = stitchWire('mysql', [
      { dir: 'response', data: GREETING },
      { dir: 'request', data: HANDSHAKE(true) },
      { dir: 'response', data: pk(2, 0xfe, 'mysql_native_password\0', 'saltsaltsaltsaltsalt\0') },
      { dir: 'request', data: pk(3, new Uint8Array(20).fill(0x61)) },
      { dir: 'response', data: ERR(4, 1045, '28000', "Access denied for user 'alice'@'localhost' (using password: YES)") },
    ]);
    expect(view(txs)).toEqual([['COM_CONNECT', null, ['error', 1045, '28000', null, null]]]);
    expect(JSON.stringify(txs.map((t) => mysqlModule.toReplay(t)))).not.toMatch(/alice|aaaa/);
  });

  it('stops at an SSLRequest: TLS follows', () => {
    const s = createStitcher('mysql');
    const txs = stitchWire('mysql', [
      { dir: 'response', data: GREETING },
      { dir: 'request', data: pk(1, le32(0x0200 | 0x0800 | 0x8000), le32(1 << 24), 0x21, new Uint8Array(23)) },
      { dir: 'request', data: Uint8Array.of(0x16, 3, 1, 0, 5, 1, 2, 3, 4, 5) },
    ], s);
    expect(txs).toEqual([]);
    expect(s.stats.upgraded).toBe(1);
  });

  it('follows multi-result responses, LOCAL INFILE, and a 16 MiB query split into continuation packets', () => {
    const big = 'SELECT \'' + 'x'.repeat(0xffffff - 9) + '\'';
    const head = new TextEncoder().encode(big);
    const first = concatBytes(Uint8Array.of(0xff, 0xff, 0xff, 0, 3), head.subarray(0, 0xffffff - 1));
    const second = pk(1, head.subarray(0xffffff - 1));
    const txs = stitchWire('mysql', [
      { dir: 'request', data: pk(0, 3, 'CALL p()') },
      { dir: 'response', data: concatBytes(pk(1, 1), COLDEF(2, 'a'), EOF(3), ROW(4, '1'), EOF(5, 0x0a), OK(6, 0)) },
      { dir: 'request', data: pk(0, 3, "LOAD DATA LOCAL INFILE '/tmp/f' INTO TABLE t") },
      { dir: 'response', data: pk(1, 0xfb, '/tmp/f') },
      { dir: 'request', data: concatBytes(pk(2, '1\n2\n'), pk(3)) },
      { dir: 'response', data: OK(4, 2) },
      { dir: 'request', data: first },
      { dir: 'request', data: second },
      { dir: 'response', data: concatBytes(pk(1, 1), COLDEF(2, 'x'), EOF(3), ROW(4, 'y'), EOF(5)) },
    ]);
    const out = view(txs).map(([c, sql, r]) => [c, typeof sql === 'string' ? sql.length : sql, r]);
    expect(out).toEqual([
      ['COM_QUERY', 8, ['resultset', null, null, 0, 1]],
      ['COM_QUERY', 44, ['ok', null, null, 2, null]],
      ['COM_QUERY', 64 * 1024 - 1, ['resultset', null, null, null, 1]],
    ]);
    expect(mysqlModule.toReplay(txs[2] as Transaction).req.sql_truncated).toBe(true);
  });
});
