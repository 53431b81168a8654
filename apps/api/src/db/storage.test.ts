import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { describeKind, rawRows, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { batch, callerFor, edge, NOW, seedAgentToken } from '../testing/fixtures.js';
import { dropExpiredPartitions, ensureDailyPartitions, partitionName } from './partitions.js';
import { rollUpNewBatches } from './rollup.js';
import { SERIES_TABLES } from './series.js';

const DAY = 86_400_000;
const TODAY = Math.floor(NOW / DAY) * DAY;
const hist = (at: number, n: number) => Array.from({ length: 19 }, (_, i) => (i === at ? n : 0));

interface Sums {
  rows: number;
  requests: number;
  errors: number;
  latency: number;
  max: number;
}
const sumsOf = (table: string) => sql.raw(
  `select count(*)::int as rows, coalesce(sum(requests), 0)::int as requests, coalesce(sum(errors), 0)::int as errors,
   coalesce(sum(latency_sum_ms), 0)::float8 as latency, coalesce(max(latency_max_ms), 0)::float8 as max from ${table}`,
);

describe.each(TEST_DATABASE_KINDS)('partitions and rollups on %s', (kind) => {
  const database = useTestDatabase(kind);

  it(`create daily partitions ahead and move rows that waited in the default partition (${describeKind(kind)})`, async () => {
    const { db } = database();
    await seedAgentToken(db);
    await callerFor(db).ingest.batch(batch([edge({ bucketStart: NOW - 60_000 })]));
    const created = await ensureDailyPartitions(db, NOW, 2);
    expect(created).toHaveLength(SERIES_TABLES.length * 2);
    expect(created).toContain('edge_samples_p20250101');
    expect(created).toContain('resource_samples_1h_p20250102');
    const where = await rawRows<{ part: string }>(db, sql`select tableoid::regclass::text as part from edge_samples`);
    expect(where).toEqual([{ part: 'edge_samples_p20250101' }]);
    expect(await ensureDailyPartitions(db, NOW, 2)).toEqual([]);
    await callerFor(db).ingest.batch(batch([edge({ bucketStart: NOW })]));
    expect(await rawRows(db, sql`select count(*)::int as n from edge_samples_p20250101`)).toEqual([{ n: 2 }]);
  });

  it('drop partitions older than the retention window, per resolution, and old rows in the default partition', async () => {
    const { db } = database();
    await ensureDailyPartitions(db, TODAY - 10 * DAY, 11);
    await db.execute(sql`insert into edge_series (client_kind, client_name, server_kind, server_name, protocol, method, status_class)
      values ('service', 'a', 'service', 'b', 'http1', 'GET', '2xx')`);
    await db.execute(sql`insert into edge_samples_1h_default (bucket_start, series_id, requests, errors, latency_sum_ms, latency_max_ms)
      select ${new Date(TODAY - 40 * DAY).toISOString()}::timestamptz, id, 1, 0, 1, 1 from edge_series`);
    const dropped = await dropExpiredPartitions(db, NOW, { '10s': 7, '1m': 9, '1h': 30 });
    // NOW is noon: raw keeps 7 days, so days ending by Dec 25 12:00 go (Dec 22, 23, 24); 1m keeps 9 (Dec 22 only), and 10m with it.
    const expected = [
      ...[10, 9, 8].map((d) => partitionName('edge_samples', TODAY - d * DAY)),
      ...[10].map((d) => partitionName('edge_samples_1m', TODAY - d * DAY)),
      ...[10].map((d) => partitionName('edge_samples_10m', TODAY - d * DAY)),
    ];
    for (const name of expected) expect(dropped).toContain(name);
    expect(dropped.filter((name) => name.startsWith('edge_samples_')).sort()).toEqual(expected.sort());
    expect(dropped.some((name) => name.includes('_1h_'))).toBe(false);
    expect(await rawRows(db, sql`select count(*)::int as n from edge_samples_1h_default`)).toEqual([{ n: 0 }]);
    const left = await rawRows<{ name: string }>(db, sql`select relname as name from pg_class where relkind = 'r' and relname like 'edge\\_samples\\_p%' order by 1`);
    // Partitions outlive the per-test truncate; days after today may exist from the test above.
    expect(left.map((r) => r.name).filter((name) => name <= partitionName('edge_samples', TODAY))).toEqual([7, 6, 5, 4, 3, 2, 1, 0].map((d) => partitionName('edge_samples', TODAY - d * DAY)));
  });

  it('roll 10-second buckets up to minutes, ten minutes and hours whose sums equal the raw sums', async () => {
    const { db } = database();
    await seedAgentToken(db);
    const hour = Math.floor(NOW / 3_600_000) * 3_600_000;
    const edges = Array.from({ length: 360 }, (_, i) =>
      edge({
        bucketStart: hour - 3_600_000 + i * 10_000,
        requests: 1 + (i % 9),
        errors: i % 3 === 0 ? 1 : 0,
        latencySumMs: 2.5 * (1 + (i % 9)),
        latencyMaxMs: i % 50,
        latencyHistogram: hist(i % 19, 1 + (i % 9)),
      }),
    );
    await callerFor(db).ingest.batch(batch(edges));
    const run = await rollUpNewBatches(db, NOW);
    expect(run.range).toEqual({ from: hour - 3_600_000, to: NOW + 300_000 });
    const sent = {
      requests: edges.reduce((sum, e) => sum + e.requests, 0),
      errors: edges.reduce((sum, e) => sum + e.errors, 0),
      latency: edges.reduce((sum, e) => sum + e.latencySumMs, 0),
      max: 49,
    };
    expect(sent).toEqual({ requests: 1800, errors: 120, latency: 4500, max: 49 });
    expect(await rawRows<Sums>(db, sumsOf('edge_samples'))).toEqual([{ rows: 360, ...sent }]);
    expect(await rawRows<Sums>(db, sumsOf('edge_samples_1m'))).toEqual([{ rows: 60, ...sent }]);
    expect(await rawRows<Sums>(db, sumsOf('edge_samples_10m'))).toEqual([{ rows: 6, ...sent }]);
    expect(await rawRows<Sums>(db, sumsOf('edge_samples_1h'))).toEqual([{ rows: 1, ...sent }]);
    // Histograms add bucket by bucket: the hour's histogram is the element-wise sum of all 360.
    const expectedHistogram = hist(0, 0).map((_, b) => edges.reduce((sum, e) => sum + (e.latencyHistogram?.[b] ?? 0), 0));
    const [row] = await rawRows<{ h: (number | string)[] }>(db, sql`select latency_histogram as h from edge_samples_1h`);
    expect(row?.h.map(Number)).toEqual(expectedHistogram);
  });

  it('roll up a late batch on the next run and nothing when no batch arrived', async () => {
    const { db } = database();
    await seedAgentToken(db);
    await callerFor(db).ingest.batch(batch([edge({ bucketStart: NOW - 60_000, requests: 4 })]));
    await rollUpNewBatches(db, NOW);
    // A spool drained after an outage delivers a bucket from two hours ago.
    await callerFor(db).ingest.batch(batch([edge({ bucketStart: NOW - 7_200_000, requests: 6 })]));
    await rollUpNewBatches(db, NOW);
    expect(await rawRows(db, sumsOf('edge_samples_1h'))).toEqual([{ rows: 2, requests: 10, errors: 0, latency: 240, max: 30 }]);
    expect(await rawRows(db, sumsOf('edge_samples_1m'))).toEqual([{ rows: 2, requests: 10, errors: 0, latency: 240, max: 30 }]);
    expect(await rawRows(db, sumsOf('edge_samples_10m'))).toEqual([{ rows: 2, requests: 10, errors: 0, latency: 240, max: 30 }]);
  });
});
