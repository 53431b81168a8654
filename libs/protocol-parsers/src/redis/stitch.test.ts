import { describe, expect, it } from 'vitest';
import { redisModule } from './module.js';
import type { RedisStitcher } from './stitch.js';
import { chunk, splitAtEveryBoundary, utf8 } from '../testing/index.js';

type Step = ['request' | 'response', string | Uint8Array, number?];

function run(steps: Step[]) {
  const s = redisModule.createStitcher() as RedisStitcher;
  let ts = 0n;
  for (const [dir, payload, truncateTo] of steps) s.push(dir, chunk(payload, (ts += 1000n), truncateTo));
  const out = s.flush().map((tx) => redisModule.toReplay(tx));
  return { out: out.map((r) => [r.req['command'], r.req['args'], r.resp?.['type'] ?? null, r.resp?.['error'] ?? null]), stats: s.stats };
}

const cmd = (...words: string[]) => `*${words.length}\r\n${words.map((w) => `$${w.length}\r\n${w}\r\n`).join('')}`;

describe('Redis stitching', () => {
  it('pairs pipelined commands with replies in order, errors included', () => {
    const req = utf8(cmd('SET', 'k', 'v') + cmd('GET', 'k') + cmd('INCR', 'k') + 'PING\r\n');
    const res = utf8('+OK\r\n$1\r\nv\r\n-ERR value is not an integer or out of range\r\n+PONG\r\n');
    const expected = [['SET', 2, 'simple', null], ['GET', 1, 'bulk', null], ['INCR', 1, 'error', 'ERR'], ['PING', 0, 'simple', null]];
    expect(run([['request', req], ['response', res]]).out).toEqual(expected);
    for (const [a, b] of splitAtEveryBoundary(req)) expect(run([['request', a], ['request', b], ['response', res]]).out).toEqual(expected);
    for (const [a, b] of splitAtEveryBoundary(res)) expect(run([['request', req], ['response', a], ['response', b]]).out).toEqual(expected);
  });

  it('gives SUBSCRIBE its confirmation and counts RESP2 messages and later confirmations as pushes', () => {
    const { out, stats } = run([
      ['request', cmd('SUBSCRIBE', 'a', 'b')],
      ['response', '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n'],
      ['response', '*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n'],
      ['request', cmd('PING')],
      ['response', '*2\r\n$4\r\npong\r\n$0\r\n\r\n'],
    ]);
    expect(out).toEqual([['SUBSCRIBE', 2, 'array', null], ['PING', 0, 'array', null]]);
    expect([stats.pushes, stats.orphanResponses]).toEqual([2, 0]);
  });

  it('sets RESP3 pushes aside, pairing only a subscribe confirmation', () => {
    const { out, stats } = run([
      ['request', cmd('SUBSCRIBE', 'ch')],
      ['response', '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n'],
      ['request', cmd('GET', 'x')],
      ['response', '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nx\r\n_\r\n'],
    ]);
    expect(out).toEqual([['SUBSCRIBE', 1, 'push', null], ['GET', 1, 'null', null]]);
    expect(stats.pushes).toBe(2);
  });

  it('hands out commands silenced by CLIENT REPLY OFF/SKIP without stealing later replies', () => {
    const { out, stats } = run([
      ['request', cmd('CLIENT', 'REPLY', 'OFF') + cmd('PING') + cmd('CLIENT', 'REPLY', 'ON') + cmd('CLIENT', 'REPLY', 'SKIP') + cmd('PING') + cmd('GET', 'a')],
      ['response', '+OK\r\n$-1\r\n'],
    ]);
    expect(out).toEqual([
      ['CLIENT', 2, null, null], ['PING', 0, null, null], ['CLIENT', 2, 'simple', null], ['CLIENT', 2, null, null],
      ['PING', 0, null, null], ['GET', 1, 'null', null],
    ]);
    expect([stats.silencedRequests, stats.unansweredRequests]).toEqual([4, 0]);
  });

  it('skips a truncated bulk body by count and stays in sync', () => {
    const big = '$100000\r\n' + 'x'.repeat(100000) + '\r\n';
    const { out, stats } = run([
      ['request', cmd('GET', 'big') + cmd('GET', 'small')],
      ['response', big, 64],
      ['response', '$2\r\nok\r\n'],
    ]);
    expect(out).toEqual([['GET', 1, 'bulk', null], ['GET', 1, 'bulk', null]]);
    expect([stats.truncatedGaps, stats.desyncs]).toEqual([1, 0]);
  });

  it('treats replies before any command as orphans (capture started with the server)', () => {
    const { out, stats } = run([['response', '+OK\r\n'], ['request', cmd('SET', 'a', 'b')], ['response', '+OK\r\n']]);
    expect(out).toEqual([['SET', 2, 'simple', null]]);
    expect(stats.orphanResponses).toBe(1);
  });

  it('resynchronises on the next command after garbage', () => {
    const { out, stats } = run([['request', '\x00\x01garbage'], ['request', cmd('DEL', 'a', 'b')], ['response', ':2\r\n']]);
    expect(out).toEqual([['DEL', 2, 'integer', null]]);
    expect(stats.bytesSkipped).toBe(9);
  });

  it('never reports argument values', () => {
    const s = redisModule.createStitcher();
    s.push('request', chunk(cmd('AUTH', 'hunter2'), 1n));
    s.push('response', chunk('-WRONGPASS invalid username-password pair or user is disabled.\r\n', 2n));
    const text = JSON.stringify(s.flush().map((tx) => redisModule.toReplay(tx)));
    expect(text).toBe('[{"proto":"redis","req":{"command":"AUTH","args":1,"inline":false},"resp":{"type":"error","error":"WRONGPASS","elements":null},"trace":null}]');
  });
});

describe('Redis inference', () => {
  it('ranks command arrays over inline commands over replies', () => {
    expect(redisModule.infer(utf8(cmd('GET', 'a')), 'tcp')).toEqual({ kind: 'request', confidence: 0.9 });
    expect(redisModule.infer(utf8('PING\r\n'), 'tcp')).toEqual({ kind: 'request', confidence: 0.6 });
    expect(redisModule.infer(utf8('+OK\r\n'), 'tcp')).toEqual({ kind: 'response', confidence: 0.5 });
    expect(redisModule.infer(utf8('$5\r\nhello\r\n'), 'tcp')).toEqual({ kind: 'response', confidence: 0.3 });
    expect(redisModule.infer(utf8('GETX a\r\n'), 'tcp')).toBeNull();
    expect(redisModule.infer(utf8('GET / HTTP/1.1\r\n'), 'udp')).toBeNull();
  });
});
