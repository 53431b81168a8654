import { pino } from 'pino';
import { registerAgentToken } from './agent-tokens.js';
import { createDatabase, type DatabaseConfig } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { readEnv } from './env.js';
import { startApiServer } from './server.js';
import { systemClock } from './trpc.js';

/** Stop waiting for in-flight requests after this long on shutdown. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const env = readEnv();
  const log = pino({ name: 'kinsight-api', level: env.LOG_LEVEL });
  const config: DatabaseConfig = env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL }
    : { kind: 'pglite', dataDir: env.KINSIGHT_DATA_DIR };
  const database = await createDatabase(config);
  try {
    await runMigrations(database);
    log.debug({ database: database.kind }, 'migrations applied');
    if (env.KINSIGHT_AGENT_TOKEN) {
      const outcome = await registerAgentToken(database.db, 'default', env.KINSIGHT_AGENT_TOKEN);
      if (outcome === 'revoked') log.warn('KINSIGHT_AGENT_TOKEN was revoked earlier; agents using it will be refused');
      else log.debug({ outcome }, 'agent token "default" registered');
    }
  } catch (error) {
    await database.close();
    throw error;
  }

  const api = await startApiServer({ db: database.db, clock: systemClock, log }, env.HOST, env.PORT);
  log.info(
    { url: api.url, database: database.kind === 'pglite' ? `pglite:${env.KINSIGHT_DATA_DIR}` : 'postgres' },
    `kinsight api listening on ${api.url} (tRPC at ${api.url}/trpc)`,
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: closing the server, then the database');
    const force = setTimeout(() => api.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    api
      .close()
      .then(() => database.close())
      .then(() => log.info('stopped'))
      .catch((error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  const reason = error instanceof Error ? error.message : String(error);
  process.stderr.write(`kinsight api failed to start: ${reason}\n`);
  process.exit(1);
});
