import RedisParser from 'redis-parser';
import { createStitcher } from '../src/stitch.js';
import { corpusConversations, measure, type SqlBenchFigure } from './sql-streams.js';

// RESP2 captures (redis-parser does not read RESP3): bulk loads, a Django cache, big values, pings.
const PCAPS = [
  'zeek_redis_bulk-loading.pcap', 'zeek_redis_django-cloud.pcapng', 'zeek_redis_large-requests-responses.pcap',
  'zeek_pop3_redis-50-pings.pcap', 'tcpdump_resp_1_benchmark.pcap',
];

/**
 * RESP throughput on the corpus streams: ours (the whole stitcher, both directions: framing,
 * command names, pairing) against redis-parser (node-redis' reader) fed the same bytes, one parser
 * per direction, building every reply as JavaScript values.
 */
export async function* redisFigures(): AsyncIterable<SqlBenchFigure> {
  const conversations = corpusConversations('redis', PCAPS).map((chunks) => chunks.filter((c) => c.data.length > 0));
  const buffers = conversations.map((chunks) => chunks.map((c) => ({ direction: c.direction, buf: Buffer.from(c.data.buffer, c.data.byteOffset, c.data.length) })));
  const allBytes = conversations.reduce((n, cs) => n + cs.reduce((m, c) => m + c.data.length, 0), 0);

  const ours = measure(() => {
    for (const chunks of conversations) {
      const s = createStitcher('redis');
      for (const c of chunks) s.push(c.direction, c);
      s.flush();
    }
    return allBytes;
  });
  let replies = 0;
  const theirs = measure(() => {
    for (const chunks of buffers) {
      const make = () => new RedisParser({ returnReply: () => void replies++, returnError: () => void replies++, returnFatalError: () => undefined });
      const parsers = { request: make(), response: make() };
      for (const c of chunks) parsers[c.direction].execute(c.buf);
    }
    return allBytes;
  });
  if (replies === 0) throw new Error('bench: redis-parser read no corpus reply; the comparison would be meaningless');
  yield { bench: 'parsers', name: 'redis_mb_per_s', value: round(ours), unit: 'MB/s', goal: null, better: 'higher' };
  yield { bench: 'parsers', name: 'redis_vs_redis_parser', value: round(ours / theirs), unit: 'ratio', goal: 1, better: 'higher' };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
