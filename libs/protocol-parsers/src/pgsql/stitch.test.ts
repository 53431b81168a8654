import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createStitcher } from '../stitch.js';
import { concatBytes, pgMessage, splitEachChunk, stitchWire, type WireChunk } from '../testing/index.js';
import type { Transaction } from '../transaction.js';
import { pgsqlModule } from './module.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const recorded = JSON.parse(readFileSync(path.join(here, 'cases/pg-extended.json'), 'utf8')) as { chunks: Array<{ dir: 'request' | 'response'; hex: string }> };
const RECORDED: WireChunk[] = recorded.chunks.map((c) => ({ dir: c.dir, data: Uint8Array.from(Buffer.from(c.hex, 'hex')) }));

/** The replay view of each transaction, without timing. */
const view = (txs: Transaction[]) => txs.map((t) => {
  const { req, resp } = pgsqlModule.toReplay(t);
  return { req, resp };
});

const ok = (tag: string | null, rows = 0, extra: Record<string, unknown> = {}) =>
  ({ tag, sqlstate: null, severity: null, message: null, rows, ...extra });

const RECORDED_VIEW = [
  { req: { type: 'Startup' }, resp: ok(null) },
  { req: { type: 'Query', sql: 'CREATE TEMP TABLE kinsight_items (id int PRIMARY KEY, name text)', sql_normalized: 'CREATE TEMP TABLE kinsight_items (id int PRIMARY KEY, name text)' }, resp: ok('CREATE TABLE') },
  { req: { type: 'Parse', sql: 'INSERT INTO kinsight_items VALUES ($1, $2), ($3, $4)', sql_normalized: 'INSERT INTO kinsight_items VALUES ($1, $2), ($3, $4)', statement: '', portal: '' }, resp: ok('INSERT 0 2') },
  { req: { type: 'Parse', sql: 'SELECT name FROM kinsight_items WHERE id = $1', sql_normalized: 'SELECT name FROM kinsight_items WHERE id = $1', statement: 'by_id', portal: '' }, resp: ok('SELECT 1', 1) },
  // node-postgres reuses the named statement: Bind + Execute only, joined to the Parse's text by name.
  { req: { type: 'Execute', sql: 'SELECT name FROM kinsight_items WHERE id = $1', sql_normalized: 'SELECT name FROM kinsight_items WHERE id = $1', statement: 'by_id', portal: '' }, resp: ok('SELECT 1', 1) },
  { req: { type: 'Parse', sql: 'SELECT 1/$1::int AS x', sql_normalized: 'SELECT ?/$1::int AS x', statement: '', portal: '' }, resp: { tag: null, sqlstate: '22012', severity: 'ERROR', message: 'division by zero', rows: 0 } },
  { req: { type: 'Query', sql: "DO $$ BEGIN RAISE NOTICE 'hello'; END $$", sql_normalized: 'DO ?' }, resp: ok('DO', 0, { notices: 1 }) },
  { req: { type: 'Query', sql: 'SELECT id FROM kinsight_items ORDER BY id; SELECT count(*) FROM kinsight_items', sql_normalized: 'SELECT id FROM kinsight_items ORDER BY id; SELECT count(*) FROM kinsight_items' }, resp: ok('SELECT 1', 3) },
];

describe('PostgreSQL stitcher on a recorded node-postgres session', () => {
  it('reads startup, simple and extended queries, a named statement reused, an error and a notice', () => {
    const s = createStitcher('pgsql');
    expect(view(stitchWire('pgsql', RECORDED, s))).toEqual(RECORDED_VIEW);
    expect(s.stats.invalid).toEqual({});
  });

  it('reads the same whichever read is split in two at whichever byte', () => {
    let runs = 0;
    for (const chunks of splitEachChunk(RECORDED)) {
      expect(view(stitchWire('pgsql', chunks))).toEqual(RECORDED_VIEW);
      runs++;
    }
    expect(runs).toBe(RECORDED.reduce((n, c) => n + c.data.length - 1, 0));
  });

  it('picks a connection up mid-stream at the next message boundary', () => {
    const late = RECORDED.slice(5);
    const txs = view(stitchWire('pgsql', late));
    expect(txs.map((t) => [t.req.type, t.resp?.tag ?? t.resp?.sqlstate])).toEqual([
      ['Parse', 'SELECT 1'], ['Execute', 'SELECT 1'], ['Parse', '22012'], ['Query', 'DO'], ['Query', 'SELECT 1'],
    ]);
  });
});

const int32 = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const startupPacket = (code: number, body: Uint8Array = new Uint8Array(0)) => {
  const n = 8 + body.length;
  return concatBytes(Uint8Array.from(int32(n)), Uint8Array.from(int32(code)), body);
};
const STARTUP = startupPacket(196608, new TextEncoder().encode('user\0alice\0database\0test\0\0'));
const err = (code: string, message: string) => pgMessage('E', [0x53], 'FATAL', [0x43], code, [0x4d], message, [0]);

describe('PostgreSQL startup and authentication', () => {
  it('never keeps the user name or the error text of a failed login', () => {
    const txs = stitchWire('pgsql', [
      { dir: 'request', data: startupPacket(80877103) },
      { dir: 'response', data: Uint8Array.of(0x4e) },
      { dir: 'request', data: STARTUP },
      { dir: 'response', data: pgMessage('R', int32(5), [1, 2, 3, 4]) },
      { dir: 'request', data: pgMessage('p', 'secret-md5') },
      { dir: 'response', data: err('28P01', 'password authentication failed for user "alice"') },
    ]);
    expect(view(txs)).toEqual([
      { req: { type: 'SSLRequest' }, resp: ok(null, 0, { answer: 'N' }) },
      { req: { type: 'Startup' }, resp: { tag: null, sqlstate: '28P01', severity: 'FATAL', message: null, rows: 0 } },
    ]);
    expect(JSON.stringify(txs.map((t) => pgsqlModule.toReplay(t)))).not.toMatch(/alice|secret/);
  });

  it('stops reading once the server accepts TLS', () => {
    const s = createStitcher('pgsql');
    const txs = stitchWire('pgsql', [
      { dir: 'request', data: startupPacket(80877103) },
      { dir: 'response', data: Uint8Array.of(0x53) },
      { dir: 'request', data: Uint8Array.of(0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5) },
    ], s);
    expect(view(txs)).toEqual([{ req: { type: 'SSLRequest' }, resp: ok(null, 0, { answer: 'S' }) }]);
    expect(s.stats.upgraded).toBe(1);
  });

  it('records a CancelRequest without its key and expects no answer', () => {
    const s = createStitcher('pgsql');
    const txs = stitchWire('pgsql', [{ dir: 'request', data: startupPacket(80877102, Uint8Array.from([0, 0, 1, 2, 9, 9, 9, 9])) }], s);
    expect(view(txs)).toEqual([{ req: { type: 'CancelRequest' }, resp: null }]);
    expect(s.stats.unansweredRequests).toBe(0);
  });
});

describe('PostgreSQL COPY and errors inside an extended batch', () => {
  it('counts COPY OUT data, and skips every unit after an error up to Sync', () => {
    const txs = stitchWire('pgsql', [
      { dir: 'request', data: pgMessage('Q', 'COPY t TO STDOUT') },
      { dir: 'response', data: concatBytes(pgMessage('H', [0, 0, 0]), pgMessage('d', '1\tx'), pgMessage('c'), pgMessage('C', 'COPY 1'), pgMessage('Z', 'I')) },
      { dir: 'request', data: concatBytes(
        pgMessage('P', '', 'SELECT bad', [0, 0]), pgMessage('B', '', '', [0, 0, 0, 0, 0, 0]), pgMessage('E', '', [0, 0, 0, 0]),
        pgMessage('P', '', 'SELECT 2', [0, 0]), pgMessage('B', '', '', [0, 0, 0, 0, 0, 0]), pgMessage('E', '', [0, 0, 0, 0]), pgMessage('S')) },
      { dir: 'response', data: concatBytes(pgMessage('E', [0x53], 'ERROR', [0x43], '42703', [0x4d], 'column "bad" does not exist', [0]), pgMessage('Z', 'I')) },
    ]);
    expect(view(txs).map((t) => [t.req.type, t.req.sql, t.resp?.tag, t.resp?.sqlstate])).toEqual([
      ['Query', 'COPY t TO STDOUT', 'COPY 1', null],
      ['Parse', 'SELECT bad', null, '42703'],
      ['Parse', 'SELECT 2', undefined, undefined], // skipped by the server: no response
    ]);
  });
});
