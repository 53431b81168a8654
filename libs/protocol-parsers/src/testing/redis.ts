import { RespDecoder, type RespRole } from '../redis/parse.js';
import type { RedisErrorCode, RespValue } from '../redis/types.js';
import { concatBytes } from './bytes.js';

export interface RespDecodeSummary {
  values: RespValue[];
  invalid: RedisErrorCode | null;
  /** Bytes presented but not consumed at the end (an unfinished line). */
  pending: number;
}

/** Feeds `pieces` to a fresh RESP decoder the way the stitcher does (unconsumed bytes presented again). */
export function decodeResp(role: RespRole, pieces: Uint8Array[]): RespDecodeSummary {
  const decoder = new RespDecoder(role);
  const values: RespValue[] = [];
  let pending: Uint8Array = new Uint8Array(0);
  for (const piece of pieces) {
    pending = concatBytes(pending, piece);
    for (;;) {
      const r = decoder.parse(pending);
      if (r.kind === 'need-more') break;
      if (r.kind === 'invalid') return { values, invalid: r.code, pending: 0 };
      if (r.kind === 'frame' && r.frame.type === 'value') values.push(r.frame.value);
      pending = pending.subarray(r.consumed);
    }
  }
  return { values, invalid: null, pending: pending.length };
}

/** hiredis reply type → the replay schema's `resp.type` (ATTR has none: an attribute annotates the next value). */
export const HIREDIS_TYPES: Readonly<Record<string, string | null>> = {
  STRING: 'bulk', ARRAY: 'array', INTEGER: 'integer', NIL: 'null', STATUS: 'simple', ERROR: 'error', DOUBLE: 'double',
  BOOL: 'boolean', MAP: 'map', SET: 'set', ATTR: null, PUSH: 'push', BIGNUM: 'bignum', VERB: 'verbatim',
};

export interface HiredisReaderCase {
  name: string;
  /** The bytes fed, in order (the C literal's declared length honoured, so `\000` survives). */
  feeds: Uint8Array[];
  expect: 'error' | { type: string };
}

function unescapeC(lit: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < lit.length; i++) {
    const c = lit[i] ?? '';
    if (c !== '\\') {
      out.push(c.charCodeAt(0));
      continue;
    }
    const n = lit[++i] ?? '';
    if (/[0-7]/.test(n)) {
      let oct = n;
      while (oct.length < 3 && /[0-7]/.test(lit[i + 1] ?? '')) oct += lit[++i];
      out.push(parseInt(oct, 8));
    } else {
      out.push(({ r: 13, n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[n] ?? n.charCodeAt(0));
    }
  }
  return out;
}

/**
 * The redisReader tests of hiredis' test.c whose input is literal bytes: each `test("…")` block's
 * `redisReaderFeed` calls and its verdict (`REDIS_ERR`, or `REDIS_OK` with the reply type).
 * Blocks that build input in loops are not data and are skipped.
 */
export function readHiredisReaderCases(src: string): HiredisReaderCase[] {
  const start = src.indexOf('static void test_reply_reader');
  const end = src.indexOf('\n}\n', start);
  const body = src.slice(start, end);
  const cases: HiredisReaderCase[] = [];
  const blocks = body.split(/\n\s*test\("/).slice(1);
  for (const block of blocks) {
    const name = block.slice(0, block.indexOf('"'));
    if (/\bfor \(|\bwhile\s*\(|maxelements|maxdepth/.test(block)) continue;
    const feeds = [...block.matchAll(/redisReaderFeed\(reader,\s*(?:\(char\*\))?"((?:[^"\\]|\\.)*)",\s*(\d+)\)/g)]
      .map((m) => Uint8Array.from(unescapeC(m[1] ?? '').slice(0, Number(m[2]))));
    if (feeds.length === 0) continue;
    const firstRet = /ret == REDIS_(OK|ERR)/.exec(block)?.[1];
    const type = /REDIS_REPLY_([A-Z]+)/.exec(block)?.[1];
    if (firstRet === 'ERR') cases.push({ name, feeds, expect: 'error' });
    else if (firstRet === 'OK' && type !== undefined) cases.push({ name, feeds, expect: { type } });
  }
  return cases;
}
