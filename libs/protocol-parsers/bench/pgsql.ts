import { Parser } from 'pg-protocol/dist/parser.js';
import { createStitcher } from '../src/stitch.js';
import { corpusConversations, measure, type SqlBenchFigure } from './sql-streams.js';

const PCAPS = [
  'suricata_pgsql_pgsql-5000-query-results.pcap', 'zeek_postgresql_greenhouse-app.pcap', 'suricata_pgsql_pgsql-simple-query-rollback.pcap',
  'suricata_pgsql_pgsql-copy-data-out.pcap', 'suricata_pgsql_pgsql-5524.pcap',
];

/**
 * PostgreSQL throughput on the corpus backend streams: ours (the whole stitcher, both directions:
 * framing, pairing, tags, errors, row counts) against node-postgres's pg-protocol Parser fed the same
 * backend bytes (the one-byte SSL answer is left out for it: pg-protocol never sees it either).
 */
export async function* pgsqlFigures(): AsyncIterable<SqlBenchFigure> {
  const conversations = corpusConversations('postgresql', PCAPS);
  const backend = conversations.map((chunks) => {
    const resp = chunks.filter((c) => c.direction === 'response' && c.data.length > 0);
    if (resp[0]?.data.length === 1) resp.shift();
    return resp.map((c) => Buffer.from(c.data.buffer, c.data.byteOffset, c.data.length));
  });
  const backendBytes = backend.reduce((n, cs) => n + cs.reduce((m, b) => m + b.length, 0), 0);
  const allBytes = conversations.reduce((n, cs) => n + cs.reduce((m, c) => m + c.data.length, 0), 0);

  const ours = measure(() => {
    for (const chunks of conversations) {
      const s = createStitcher('pgsql');
      for (const c of chunks) s.push(c.direction, c);
      s.flush();
    }
    return allBytes;
  });
  let theirMessages = 0;
  const theirs = measure(() => {
    for (const chunks of backend) {
      const parser = new Parser();
      for (const b of chunks) parser.parse(b, () => void theirMessages++);
    }
    return backendBytes;
  });
  yield { bench: 'parsers', name: 'pgsql_mb_per_s', value: round(ours), unit: 'MB/s', goal: null, better: 'higher' };
  yield { bench: 'parsers', name: 'pgsql_vs_pg_protocol', value: round(ours / theirs), unit: 'ratio', goal: 1, better: 'higher' };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
