import { exec } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { registerAgentToken } from './agent-tokens.js';
import { createDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { rowsOf } from './db/rows.js';
import { startApiServer } from './server.js';
import { startEmbeddedPostgres } from './testing/embedded-postgres.js';
import { AGENT_TOKEN, batch, edge, NOW, testInner } from './testing/fixtures.js';

const run = promisify(exec);
const BATCHES = 300;

/**
 * The server whose restart we test: with KINSIGHT_TEST_PG_RESTART (a shell command, e.g.
 * `pg_ctlcluster --skip-systemctl-redirect 15 main restart`) the one in DATABASE_URL; otherwise a
 * dedicated embedded PostgreSQL, restarted through its own stop and start. Both are real restarts.
 */
async function restartableServer(): Promise<{ adminUrl: string; restart(): Promise<void>; stop(): Promise<void> }> {
  const command = process.env['KINSIGHT_TEST_PG_RESTART'];
  const url = process.env['DATABASE_URL'];
  if (command && url) {
    return { adminUrl: url, restart: async () => void (await run(command)), stop: async () => undefined };
  }
  return startEmbeddedPostgres();
}

describe('ingest while PostgreSQL restarts', () => {
  it(`stores ${BATCHES} batches exactly once when the server restarts mid-ingest`, async () => {
    const server = await restartableServer();
    const name = `kinsight_restart_${randomBytes(4).toString('hex')}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: server.adminUrl });
      await client.connect();
      await client.query(sql).finally(() => client.end());
    };
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(server.adminUrl);
    url.pathname = `/${name}`;
    const handle = await createDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 4 });
    const api = await startApiServer(testInner(handle.db), '127.0.0.1', 0);
    try {
      await runMigrations(handle);
      await registerAgentToken(handle.db, 'test', AGENT_TOKEN);
      let failures = 0;
      let restart: Promise<void> | null = null;
      let restartError: unknown = null;
      for (let i = 0; i < BATCHES; i++) {
        const body = JSON.stringify(batch([edge({ bucketStart: NOW - 3_600_000 + i * 10_000, requests: 1 })]));
        if (i === 100) {
          restart = server.restart();
          // A restart that fails ends the test with its reason instead of leaving the loop to retry into the timeout.
          restart.catch((error: unknown) => (restartError = error));
        }
        // What the agent's sender does: the same batch again until the API acknowledges it (bounded here, and
        // the last refusal is reported, so a batch the API will never take fails the test instead of hanging it).
        let lastRefusal = '';
        for (let attempt = 0; ; attempt++) {
          const outcome = await fetch(`${api.url}/trpc/ingest.batch`, {
            method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT_TOKEN}` }, body,
            signal: AbortSignal.timeout(20_000),
          }).then(async (r) => (r.ok ? null : `${r.status} ${(await r.text()).slice(0, 300)}`), (error: unknown) => String(error));
          if (outcome === null) break;
          lastRefusal = outcome;
          failures++;
          if (restartError !== null) throw new Error(`PostgreSQL did not come back: ${String(restartError)}; last refusal: ${lastRefusal}`);
          if (attempt >= 300) throw new Error(`batch ${i} still refused after ${attempt} attempts: ${lastRefusal}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await restart;
      const [counts] = await rowsOf<{ batches: number; samples: number; requests: number }>(
        handle.db,
        sql`select (select count(*)::int from ingest_batches) as batches, (select count(*)::int from edge_samples) as samples, (select sum(requests)::int from edge_samples) as requests`,
      );
      expect(counts).toEqual({ batches: BATCHES, samples: BATCHES, requests: BATCHES });
      // The restart really interrupted ingest: some deliveries failed and were retried.
      expect(failures).toBeGreaterThanOrEqual(1);
    } finally {
      await api.close();
      await handle.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await server.stop();
    }
  }, 180_000);
});
