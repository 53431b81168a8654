import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { describeKind, rawRows, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { MIGRATIONS_FOLDER, migrationStatus, runMigrations } from './migrate.js';
import { SERIES, SERIES_TABLES } from './series.js';

/** Every committed migration (drizzle/meta/_journal.json), so adding one needs no edit here. */
const COMMITTED = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length;

interface Named {
  name: string;
}

describe.each(TEST_DATABASE_KINDS)('migrations on %s', (kind) => {
  const database = useTestDatabase(kind);

  it(`create every series table partitioned by range on bucket_start, each with a default partition (${describeKind(kind)})`, async () => {
    const { db } = database();
    const partitioned = await rawRows<Named & { key: string }>(
      db,
      sql`select c.relname as name, pg_get_partkeydef(c.oid) as key from pg_partitioned_table p join pg_class c on c.oid = p.partrelid order by 1`,
    );
    expect(partitioned).toEqual(SERIES_TABLES.map((t) => ({ name: t.table, key: 'RANGE (bucket_start)' })).sort((a, b) => a.name.localeCompare(b.name)));
    const defaults = await rawRows<Named>(db, sql`select relname as name from pg_class where relname like '%\_default' and relkind = 'r' order by 1`);
    expect(defaults.map((row) => row.name)).toEqual(SERIES_TABLES.map((t) => `${t.table}_default`).sort());
    const plain = await rawRows<Named>(
      db,
      sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind = 'r' and not c.relispartition order by 1`,
    );
    expect(plain.map((row) => row.name)).toEqual(
      [
        'agent_tokens', 'agents', 'clusters', 'endpoints', 'exceptions', 'ingest_batches', 'log_templates', 'maintenance_state',
        'nodes', 'pods', 'processes', 'rca_reports', 'sessions', 'sign_in_attempts', 'users', 'workloads',
        ...SERIES.map((spec) => spec.dictionary),
      ].sort(),
    );
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

  it('report themselves current for /readyz', async () => {
    expect(await migrationStatus(database().db)).toEqual({ applied: COMMITTED, pending: 0 });
  });

  it('apply twice without change: already-applied migrations are skipped', async () => {
    const { handle, db } = database();
    await runMigrations(handle);
    const applied = await rawRows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect(applied).toEqual([{ n: COMMITTED }]);
  });

  it('refuse a sample with more errors than requests at the database too', async () => {
    const { db } = database();
    await expect(
      db.execute(sql`insert into edge_samples values (now(), 10, 'service', 'a', 'service', 'b', 'http1', 'GET', '2xx', 1, 2, 0, 0, 'x', gen_random_uuid())`),
    ).rejects.toMatchObject({ cause: { constraint: 'edge_samples_counts_check' } });
  });
});
