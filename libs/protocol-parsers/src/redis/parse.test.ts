import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HIREDIS_TYPES, concatBytes, decodeResp, readHiredisReaderCases, splitAtEveryBoundary, utf8 } from '../testing/index.js';
import type { RespDecodeSummary } from '../testing/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const vectors = path.resolve(repoRoot, '../shared/corpora/redis/vectors');
const hiredis = readHiredisReaderCases(readFileSync(path.join(vectors, 'hiredis/test.c'), 'utf8'));

/** Decodes whole, then split in two at every byte boundary; every split must read the same. */
function decodeEverySplit(role: 'request' | 'response', bytes: Uint8Array): RespDecodeSummary {
  const whole = decodeResp(role, [bytes]);
  for (const [a, b] of splitAtEveryBoundary(bytes)) expect(decodeResp(role, [a, b])).toEqual(whole);
  return whole;
}

describe('hiredis redisReader vectors (test.c)', () => {
  it('reads every literal-input case', () => {
    expect(hiredis.map((c) => c.name)).toMatchSnapshot();
  });

  for (const c of hiredis) {
    it(c.name, () => {
      const got = decodeEverySplit('response', concatBytes(...c.feeds));
      if (c.expect === 'error') {
        expect(got.invalid).not.toBeNull();
        return;
      }
      const type = HIREDIS_TYPES[c.expect.type];
      // hiredis hands out a lone attribute as a reply; RESP3 says it annotates the value that follows.
      if (type === null) expect([got.values.length, got.invalid]).toEqual([0, null]);
      else expect([got.values[0]?.type, got.invalid]).toEqual([type, null]);
    });
  }
});

describe('RESP3 specification examples (RESP3.md)', () => {
  const cases: Array<[string, string, string, number]> = [
    ['simple string', '+OK\r\n', 'simple', -1],
    ['error', '-ERR this is the error description\r\n', 'error', -1],
    ['blob error', '!21\r\nSYNTAX invalid syntax\r\n', 'error', -1],
    ['integer', ':1234\r\n', 'integer', -1],
    ['blob string', '$11\r\nhello world\r\n', 'bulk', -1],
    ['null', '_\r\n', 'null', -1],
    ['RESP2 null bulk', '$-1\r\n', 'null', -1],
    ['RESP2 null array', '*-1\r\n', 'null', -1],
    ['double', ',1.23\r\n', 'double', -1],
    ['double inf', ',-inf\r\n', 'double', -1],
    ['boolean', '#t\r\n', 'boolean', -1],
    ['big number', '(3492890328409238509324850943850943825024385\r\n', 'bignum', -1],
    ['verbatim', '=15\r\ntxt:Some string\r\n', 'verbatim', -1],
    ['array', '*3\r\n:1\r\n:2\r\n:3\r\n', 'array', 3],
    ['nested array', '*2\r\n*3\r\n:1\r\n$5\r\nhello\r\n:2\r\n#f\r\n', 'array', 2],
    ['map', '%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n', 'map', 2],
    ['set', '~5\r\n+orange\r\n+apple\r\n#t\r\n:100\r\n:999\r\n', 'set', 5],
    ['attribute then reply', '|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n', 'array', 2],
    ['attribute inside an array', '*3\r\n:1\r\n:2\r\n|1\r\n+ttl\r\n:3600\r\n:3\r\n', 'array', 3],
    ['push', '>4\r\n+pubsub\r\n+message\r\n+somechannel\r\n+this is the message\r\n', 'push', 4],
    ['streamed string', '$?\r\n;4\r\nHell\r\n;5\r\no wor\r\n;1\r\nd\r\n;0\r\n', 'bulk', -1],
    ['streamed array', '*?\r\n:1\r\n:2\r\n:3\r\n.\r\n', 'array', 3],
    ['streamed map', '%?\r\n+a\r\n:1\r\n+b\r\n:2\r\n.\r\n', 'map', 2],
  ];
  for (const [name, wire, type, elements] of cases) {
    it(name, () => {
      const got = decodeEverySplit('response', utf8(wire));
      expect(got.values.map((v) => [v.type, v.elements])).toEqual([[type, elements]]);
      expect([got.invalid, got.pending]).toEqual([null, 0]);
    });
  }

  it('reports the error code word, never the rest of the message', () => {
    expect(decodeResp('response', [utf8('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n')]).values[0]?.error).toBe('WRONGTYPE');
    expect(decodeResp('response', [utf8('!21\r\nSYNTAX invalid syntax\r\n')]).values[0]?.error).toBe('SYNTAX');
  });
});

describe('commands', () => {
  it('reads the command and argument count of arrays and inline lines, pipelined', () => {
    const wire = '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\nPING\r\n\r\nset "a b" \'c\'\r\n*1\r\n$4\r\nQUIT\r\n';
    const got = decodeEverySplit('request', utf8(wire));
    expect(got.values.map((v) => [v.words[0], v.elements - 1, v.inline])).toEqual([
      ['SET', 2, false], ['PING', 0, true], ['set', 2, true], ['QUIT', 0, false],
    ]);
  });

  it('skips a hostile bulk length by count instead of buffering it', () => {
    const head = utf8('*2\r\n$3\r\nSET\r\n$999999\r\n');
    const got = decodeResp('request', [head, new Uint8Array(500_000), new Uint8Array(499_999 + 2)]);
    expect([got.values.length, got.values[0]?.elements, got.pending, got.invalid]).toEqual([1, 2, 0, null]);
    expect(decodeResp('request', [utf8('*1\r\n$999999999\r\n')]).invalid).toBe('length-out-of-range');
  });

  it('rejects nesting deeper than the cap and lines longer than the cap', () => {
    expect(decodeResp('response', [utf8('*1\r\n'.repeat(257) + '+OK\r\n')]).invalid).toBe('too-deep');
    expect(decodeResp('response', [utf8('*1\r\n'.repeat(256) + '+OK\r\n')]).values.length).toBe(1);
    expect(decodeResp('response', [utf8('+' + 'a'.repeat(70_000))]).invalid).toBe('line-too-long');
  });
});

describe('node-redis-parser spec inputs (parsers.spec.js)', () => {
  const src = readFileSync(path.join(vectors, 'node-redis-parser/parsers.spec.js'), 'utf8');
  // One stream per `it(...)` block: the chunks its single `parser` is fed, in order.
  const streams = src.split(/\n\s*it\('/).slice(1).map((block) => [...block.matchAll(/\bparser\.execute\(Buffer\.from\('((?:[^'\\]|\\.)*)'\)\)/g)]
    .map((m) => (m[1] ?? '').replace(/\\r/g, '\r').replace(/\\n/g, '\n')).join('')).filter((t) => t !== '');

  it('decodes every literal chunk of the spec without throwing, alike however it is split', () => {
    expect(streams.length).toBe(NODE_REDIS_STREAMS);
    let values = 0;
    let invalid = 0;
    for (const stream of streams) {
      const got = decodeEverySplit('response', utf8(stream));
      values += got.values.length;
      if (got.invalid !== null) invalid++;
    }
    // Fixed inputs, so fixed counts: the spec's protocol-error cases are the invalid ones.
    expect([values, invalid]).toEqual([NODE_REDIS_VALUES, NODE_REDIS_INVALID]);
  });
});

const NODE_REDIS_STREAMS = 26;
const NODE_REDIS_VALUES = 45;
const NODE_REDIS_INVALID = 9;
