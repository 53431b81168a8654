import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import * as schema from './schema.js';

/** Either driver behind one query surface; routers never know which one runs. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; maxConnections?: number }
  | { kind: 'pglite'; dataDir: string };

export type DatabaseHandle =
  | { kind: 'postgres'; db: Database; pool: pg.Pool; close(): Promise<void> }
  | { kind: 'pglite'; db: Database; client: PGlite; close(): Promise<void> };

export async function createDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  if (config.kind === 'postgres') {
    // A connect that hangs (a server starting up, a black-holed address) fails after 10 s instead of holding a
    // request, and its ingest slot, forever; keepalive finds connections whose server vanished.
    const pool = new pg.Pool({ connectionString: config.url, max: config.maxConnections ?? 10, connectionTimeoutMillis: 10_000, keepAlive: true });
    // A client losing its server (a PostgreSQL restart) must not crash the process, idle or checked
    // out: the query in flight rejects, the pool discards the client, the next query reconnects.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db: Database = drizzleNodePg({ client: pool, schema });
    return { kind: 'postgres', db, pool, close: () => pool.end() };
  }
  // PGlite does not create missing parent folders.
  await mkdir(config.dataDir, { recursive: true });
  const client = new PGlite(config.dataDir);
  await client.waitReady;
  const db: Database = drizzlePglite({ client, schema });
  return { kind: 'pglite', db, client, close: () => client.close() };
}

/** Throws when the database does not answer `select 1`. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
