import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { createDatabase, type Database, type DatabaseHandle } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { rowsOf } from '../db/rows.js';

export type TestDatabaseKind = 'postgres' | 'pglite';

/** Every database suite runs once per kind. */
export const TEST_DATABASE_KINDS: readonly TestDatabaseKind[] = ['postgres', 'pglite'];

export interface TestDatabase {
  kind: TestDatabaseKind;
  handle: DatabaseHandle;
  db: Database;
  dispose(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh `kinsight_test_<random>` database on the run's server, migrated; dropped on dispose. */
async function createPostgresTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `kinsight_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = () => withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  try {
    const handle = await createDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 4 });
    const dispose = async () => {
      await handle.close();
      await drop();
    };
    await runMigrations(handle).catch(async (error: unknown) => {
      await dispose();
      throw error;
    });
    return { kind: 'postgres', handle, db: handle.db, dispose };
  } catch (error) {
    await drop();
    throw error;
  }
}

/** PGlite in a temp folder whose `db` subfolder does not exist yet, as on a first start. */
async function createPgliteTestDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'kinsight-pglite-'));
  const handle = await createDatabase({ kind: 'pglite', dataDir: join(dir, 'db') });
  const dispose = async () => {
    await handle.close();
    await rm(dir, { recursive: true, force: true });
  };
  await runMigrations(handle).catch(async (error: unknown) => {
    await dispose();
    throw error;
  });
  return { kind: 'pglite', handle, db: handle.db, dispose };
}

export function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  return kind === 'postgres' ? createPostgresTestDatabase() : createPgliteTestDatabase();
}

/** Empties every table the migrations created (and the daily partitions tests made). */
export async function clearTables(db: Database): Promise<void> {
  const tables = await rowsOf<{ name: string }>(
    db,
    sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`,
  );
  await db.execute(sql.raw(`truncate ${tables.map((t) => `"${t.name}"`).join(', ')} restart identity cascade`));
}

/**
 * Registers hooks for one suite: a migrated database for the whole suite, emptied
 * before every test, disposed after the suite even when tests failed.
 */
export function useTestDatabase(kind: TestDatabaseKind): () => TestDatabase {
  let current: TestDatabase | null = null;
  beforeAll(async () => {
    current = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await current?.dispose();
    current = null;
  });
  beforeEach(async () => {
    await clearTables(get().db);
  });
  function get(): TestDatabase {
    if (!current) throw new Error(`test database (${kind}) is not ready: beforeAll did not finish`);
    return current;
  }
  return get;
}

/** A label for test names: which server the postgres suites ran on. */
export function describeKind(kind: TestDatabaseKind): string {
  return kind === 'pglite' ? 'pglite' : `postgres (${inject('postgresSource')})`;
}

/** Raw SQL rows from either driver; for catalog checks in tests. */
export function rawRows<T>(db: Database, query: SQL): Promise<T[]> {
  return rowsOf<T>(db, query);
}
