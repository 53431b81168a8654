import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { concatBytes, pgMessage, readPixieByteStrings, splitEachChunk, stitchWire, type WireChunk } from '../testing/index.js';
import { pgsqlModule } from './module.js';
import { PgsqlDecoder } from './parse.js';

// Pixie's PostgreSQL test data (pixie-io/pixie@44d42f1d): byte strings read out of the C++ header.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const header = readFileSync(path.resolve(repoRoot, '../shared/corpora/postgresql/vectors/pixie/pgsql__test_data.h'), 'utf8');
const v = readPixieByteStrings(header);
const get = (name: string): Uint8Array => {
  const b = v.get(name);
  if (b === undefined) throw new Error(`pgsql__test_data.h has no ${name}: the vector file changed; update this test`);
  return b;
};

describe('Pixie PostgreSQL vectors', () => {
  it('reads every byte string of the header', () => {
    expect([...v.keys()].slice(0, 14)).toEqual([
      'kParseData1', 'kDescData', 'kBindData', 'kExecData', 'kParseCmplData', 'kParamDescData', 'kRowDescData',
      'kBindCmplData', 'kDataRowData', 'kCmdCmplData', 'kBindUnnamedData', 'kBindNamedData', 'kErrRespData', 'kRollbackMsg',
    ]);
  });

  it('frames each message with its type and length', () => {
    const lengths = ['kParseData1', 'kBindData', 'kRowDescData', 'kDataRowData', 'kErrRespData'].map((n) => {
      const d = new PgsqlDecoder(n === 'kParseData1' || n === 'kBindData' ? 'request' : 'response');
      d.reset('regular');
      const r = d.parse(get(n));
      return r.kind === 'frame' && r.frame.type === 'message' ? [String.fromCharCode(r.frame.code), r.frame.length, r.consumed] : r.kind;
    });
    expect(lengths).toEqual([['P', 44, 49], ['B', 17, 22], ['T', 83, 88], ['D', 44, 49], ['E', 98, 103]]);
  });

  // Pixie's StitchFramesTest: Parse, Describe, Bind, Execute then their answers; and the error case.
  const CASE: WireChunk[] = [
    { dir: 'request', data: concatBytes(get('kParseData1'), get('kDescData'), get('kBindData'), get('kExecData')) },
    { dir: 'response', data: concatBytes(get('kParseCmplData'), get('kParamDescData'), get('kRowDescData'), get('kBindCmplData'), get('kDataRowData'), get('kCmdCmplData')) },
    { dir: 'request', data: get('kRollbackMsg') },
    // Pixie's frames omit ReadyForQuery, which a server always sends after a simple query.
    { dir: 'response', data: concatBytes(get('kRollbackCmplMsg'), pgMessage('Z', [0x49])) },
    { dir: 'request', data: get('kParseData1') },
    { dir: 'response', data: get('kErrRespData') },
  ];
  const EXPECTED = [
    ['Parse', 'SELECT * FROM person WHERE first_name=$1', 'SELECT 238', 1, null],
    ['Query', 'ROLLBACK', 'ROLLBACK', 0, null],
    ['Parse', 'SELECT * FROM person WHERE first_name=$1', null, 0, '42P01'],
  ];
  const summary = (chunks: WireChunk[]) => stitchWire('pgsql', chunks).map((t) => {
    const { req, resp } = pgsqlModule.toReplay(t);
    return [req.type, req.sql, resp?.tag, resp?.rows, resp?.sqlstate];
  });

  it('stitches Pixie\'s extended-query, rollback and error frames', () => {
    expect(summary(CASE)).toEqual(EXPECTED);
  });

  it('stitches them the same split at every byte boundary', () => {
    for (const chunks of splitEachChunk(CASE)) expect(summary(chunks)).toEqual(EXPECTED);
  });
});
