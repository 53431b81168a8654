import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { describe, expect, it } from 'vitest';
import { describeKind, rawRows, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { NOW, userCaller } from '../testing/fixtures.js';
import { type DatabaseHandle } from './client.js';
import { MIGRATIONS_FOLDER, runMigrations } from './migrate.js';

/** The last migration before rollups moved to series ids and gained the ten-minute level. */
const BEFORE = '0003_insights_open_exception_unique';

/** A copy of the committed migrations up to and including `last`, as an older release shipped them. */
async function migrationsUpTo(last: string): Promise<{ folder: string; dispose(): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'kinsight-migrations-'));
  await mkdir(join(folder, 'meta'));
  const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((entry) => entry.tag === last);
  if (cut < 0) throw new Error(`migration ${last} is not in the journal`);
  journal.entries = journal.entries.slice(0, cut + 1);
  for (const entry of journal.entries) await cp(join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  await writeFile(join(folder, 'meta/_journal.json'), JSON.stringify(journal));
  return { folder, dispose: () => rm(folder, { recursive: true, force: true }) };
}

async function migrateWith(handle: DatabaseHandle, migrationsFolder: string): Promise<void> {
  if (handle.kind === 'postgres') await migrateNodePg(handle.db as Parameters<typeof migrateNodePg>[0], { migrationsFolder });
  else await migratePglite(handle.db as Parameters<typeof migratePglite>[0], { migrationsFolder });
}

describe.each(TEST_DATABASE_KINDS)('the move of rollups to series ids on %s', (kind) => {
  const database = useTestDatabase(kind);

  it(`keeps every rollup row and fills the ten-minute rollups from the minute ones (${describeKind(kind)})`, async () => {
    const { db, handle } = database();
    // Start over as a database an older release migrated.
    await db.execute(sql`drop schema public cascade`);
    await db.execute(sql`drop schema if exists drizzle cascade`);
    await db.execute(sql`create schema public`);
    const older = await migrationsUpTo(BEFORE);
    try {
      await migrateWith(handle, older.folder);
    } finally {
      await older.dispose();
    }
    const minute = (offset: number) => new Date(NOW - 3_600_000 + offset * 60_000).toISOString();
    const edge = (client: string) => sql`'service', ${client}, 'service', 'cart', 'http1', 'GET', '2xx'`;
    await db.execute(sql`insert into edge_samples_1m (bucket_start, client_kind, client_name, server_kind, server_name, protocol, method, status_class,
        requests, errors, latency_sum_ms, latency_max_ms, latency_histogram) values
      (${minute(0)}::timestamptz, ${edge('web')}, 10, 1, 50, 9, '{0,10}'),
      (${minute(1)}::timestamptz, ${edge('web')}, 20, 0, 40, 3, '{5,15}'),
      (${minute(12)}::timestamptz, ${edge('api')}, 7, 0, 7, 1, null)`);
    await db.execute(sql`insert into edge_samples_1h (bucket_start, client_kind, client_name, server_kind, server_name, protocol, method, status_class,
        requests, errors, latency_sum_ms, latency_max_ms) values (${minute(0)}::timestamptz, ${edge('web')}, 30, 1, 90, 9)`);
    // The rollups answer up to now (the rollup job has run).
    await db.execute(sql`insert into maintenance_state (job, watermark, updated_at) values ('rollup', ${new Date(NOW).toISOString()}::timestamptz, ${new Date(NOW).toISOString()}::timestamptz)`);

    await runMigrations(handle);

    expect(await rawRows(db, sql`select id, client_name from edge_series order by id`)).toEqual(
      expect.arrayContaining([expect.objectContaining({ client_name: 'web' }), expect.objectContaining({ client_name: 'api' })]),
    );
    expect(
      await rawRows(db, sql`select d.client_name, r.requests::int, r.errors::int, r.latency_max_ms, r.latency_histogram::text as h
        from edge_samples_10m r join edge_series d on d.id = r.series_id order by 1`),
    ).toEqual([
      { client_name: 'api', requests: 7, errors: 0, latency_max_ms: 1, h: null },
      { client_name: 'web', requests: 30, errors: 1, latency_max_ms: 9, h: '{5,25}' },
    ]);
    expect(await rawRows(db, sql`select count(*)::int as n, sum(requests)::int as requests from edge_samples_1m where series_id is not null`)).toEqual([
      { n: 3, requests: 37 },
    ]);
    expect(await rawRows(db, sql`select r.requests::int, d.client_name from edge_samples_1h r join edge_series d on d.id = r.series_id`)).toEqual([
      { requests: 30, client_name: 'web' },
    ]);
    // Read through the API: 00:00–00:20 of the hour comes from the ten-minute rollups the migration filled.
    const topology = await (await userCaller(db)).topology.get({ from: NOW - 3_600_000, to: NOW - 3_600_000 + 20 * 60_000 });
    expect(topology.edges.map((e) => [e.id, e.metrics.requests])).toEqual([
      ['service:api->service:cart#http1', 7],
      ['service:web->service:cart#http1', 30],
    ]);
  });
});
