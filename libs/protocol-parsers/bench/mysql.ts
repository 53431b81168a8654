import { createStitcher } from '../src/stitch.js';
import { corpusConversations, measure, type SqlBenchFigure } from './sql-streams.js';

const PCAPS = [
  'zeek_mysql_mysql.pcap', 'zeek_mysql_many-query-attrs.pcap', 'zeek_mysql_caching_sha2_password.pcap',
  'zeek_mysql_mysql-show-engine-innodb-status-no-password.pcap', 'zeek_mysql_selects_with_new_proto.pcap',
];

/** MySQL throughput of the whole stitcher (both directions) on the corpus conversations. No reference parser is named for MySQL. */
export async function* mysqlFigures(): AsyncIterable<SqlBenchFigure> {
  const conversations = corpusConversations('mysql', PCAPS);
  const bytes = conversations.reduce((n, cs) => n + cs.reduce((m, c) => m + c.data.length, 0), 0);
  const mbPerS = measure(() => {
    for (const chunks of conversations) {
      const s = createStitcher('mysql');
      for (const c of chunks) s.push(c.direction, c);
      s.flush();
    }
    return bytes;
  });
  yield { bench: 'parsers', name: 'mysql_mb_per_s', value: Math.round(mbPerS * 100) / 100, unit: 'MB/s', goal: null, better: 'higher' };
}
