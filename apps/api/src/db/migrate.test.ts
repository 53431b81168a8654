import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { describeKind, rawRows, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { runMigrations } from './migrate.js';

interface Named {
  name: string;
}

describe.each(TEST_DATABASE_KINDS)('migrations on %s', (kind) => {
  const database = useTestDatabase(kind);

  it(`create the tables and the time-range index (${describeKind(kind)})`, async () => {
    const { db } = database();
    const tables = await rawRows<Named>(
      db,
      sql`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    expect(tables.map((row) => row.name)).toEqual(['agent_tokens', 'edge_samples', 'ingest_batches']);
    const indexes = await rawRows<Named>(
      db,
      sql`select indexname as name from pg_indexes where tablename = 'edge_samples' order by 1`,
    );
    expect(indexes.map((row) => row.name)).toEqual(['edge_samples_bucket_start_idx', 'edge_samples_edge_bucket_idx']);
  });

  it('run on PostgreSQL 15 or newer, the oldest server we support', async () => {
    const [row] = await rawRows<{ version: number }>(database().db, sql`select current_setting('server_version_num')::int as version`);
    expect(row?.version).toBeGreaterThanOrEqual(150_000);
  });

  it('apply twice without change: already-applied migrations are skipped', async () => {
    const { handle, db } = database();
    await runMigrations(handle);
    const applied = await rawRows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect(applied).toEqual([{ n: 1 }]);
  });

  it('refuse a sample with more errors than requests at the database too', async () => {
    const { db } = database();
    await expect(
      db.execute(sql`insert into edge_samples values (now(), 10, 'service', 'a', 'service', 'b', 'http1', 'GET', '2xx', 1, 2, 0, 0, 'x', gen_random_uuid())`),
    ).rejects.toMatchObject({ cause: { constraint: 'edge_samples_counts_check' } });
  });
});
