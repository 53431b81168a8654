import { pino, type Logger } from 'pino';
import { registerAgentToken } from './agent-tokens.js';
import { bootstrapAdmin } from './auth.js';
import { IngestLimiter } from './backpressure.js';
import { createDatabase, type DatabaseConfig, type DatabaseHandle } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { isLoopbackHost, readEnv, type ApiEnv } from './env.js';
import { startInsights } from './insights/runner.js';
import { startMaintenance } from './maintenance.js';
import { createInnerContext, startApiServer } from './server.js';
import { systemClock } from './trpc.js';

/** Stop waiting for in-flight requests after this long on shutdown. */
const SHUTDOWN_GRACE_MS = 10_000;

async function openDatabase(env: ApiEnv, log: Logger): Promise<DatabaseHandle> {
  const config: DatabaseConfig = env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL }
    : { kind: 'pglite', dataDir: env.KINSIGHT_DATA_DIR };
  const database = await createDatabase(config);
  try {
    await runMigrations(database);
    log.debug({ database: database.kind }, 'migrations applied');
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** `npm run api -- bootstrap-admin <user>`: the password comes on stdin, never on the command line. */
async function bootstrapAdminCli(env: ApiEnv, log: Logger, username: string | undefined): Promise<void> {
  if (!username) throw new Error('usage: npm run api -- bootstrap-admin <username>  (password on stdin)');
  const password = await readStdin();
  const database = await openDatabase(env, log);
  try {
    await bootstrapAdmin(database.db, username, password);
    process.stdout.write(`admin ${username} created; sign in at the dashboard\n`);
  } finally {
    await database.close();
  }
}

async function serve(env: ApiEnv, log: Logger): Promise<void> {
  const database = await openDatabase(env, log);
  try {
    if (env.KINSIGHT_AGENT_TOKEN) {
      const outcome = await registerAgentToken(database.db, 'default', env.KINSIGHT_AGENT_TOKEN);
      if (outcome === 'revoked') log.warn('KINSIGHT_AGENT_TOKEN was revoked earlier; agents using it will be refused');
      else log.debug({ outcome }, 'agent token "default" registered');
    }
    if (env.KINSIGHT_BOOTSTRAP_ADMIN && env.KINSIGHT_BOOTSTRAP_PASSWORD) {
      await bootstrapAdmin(database.db, env.KINSIGHT_BOOTSTRAP_ADMIN, env.KINSIGHT_BOOTSTRAP_PASSWORD).then(
        () => log.info({ username: env.KINSIGHT_BOOTSTRAP_ADMIN }, 'bootstrap admin created from KINSIGHT_BOOTSTRAP_ADMIN'),
        (error: unknown) => log.debug({ reason: error instanceof Error ? error.message : String(error) }, 'bootstrap admin skipped'),
      );
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  let demoUser: string | null = null;
  if (env.KINSIGHT_DEMO_SIGNIN) {
    if (isLoopbackHost(env.HOST)) demoUser = env.KINSIGHT_DEMO_SIGNIN;
    else log.warn({ host: env.HOST }, 'KINSIGHT_DEMO_SIGNIN ignored: the API listens beyond loopback, so everyone must sign in');
  }

  const pool = database.kind === 'postgres' ? database.pool : null;
  const inner = createInnerContext({
    db: database.db,
    clock: systemClock,
    log,
    demoUser,
    secureCookies: env.KINSIGHT_SECURE_COOKIES,
    ingestLimiter: new IngestLimiter({
      maxInFlight: env.KINSIGHT_INGEST_MAX_IN_FLIGHT,
      maxPoolWaiting: 8,
      retryAfterSeconds: 2,
      poolWaiting: () => pool?.waitingCount ?? 0,
    }),
  });
  const api = await startApiServer(inner, env.HOST, env.PORT, {
    trustedProxies: env.KINSIGHT_TRUSTED_PROXIES,
    ...(pool ? { poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }) } : {}),
  });
  const maintenance = startMaintenance(database.db, systemClock, log, {
    '10s': env.KINSIGHT_RETENTION_RAW_DAYS,
    '1m': env.KINSIGHT_RETENTION_1M_DAYS,
    '1h': env.KINSIGHT_RETENTION_1H_DAYS,
  });
  const insights = startInsights(database.db, systemClock, log, env.KINSIGHT_INSIGHTS_INTERVAL_MS);
  if (!insights) log.info('insights runner disabled (KINSIGHT_INSIGHTS_INTERVAL_MS=0): no exceptions or reports are written');
  log.info(
    { url: api.url, database: database.kind === 'pglite' ? `pglite:${env.KINSIGHT_DATA_DIR}` : 'postgres' },
    `kinsight api listening on ${api.url} (tRPC at ${api.url}/trpc)`,
  );
  if (demoUser) {
    log.warn({ user: demoUser }, `local demo: requests without a session are signed in automatically as admin "${demoUser}" (KINSIGHT_DEMO_SIGNIN)`);
  }

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
      .then(() => maintenance.stop())
      .then(() => insights?.stop())
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

async function main(): Promise<void> {
  const env = readEnv();
  const log = pino({ name: 'kinsight-api', level: env.LOG_LEVEL });
  const [command, ...args] = process.argv.slice(2);
  if (command === 'bootstrap-admin') await bootstrapAdminCli(env, log, args[0]);
  else if (command === undefined || command === 'serve') await serve(env, log);
  else throw new Error(`unknown command "${command}"; use serve (the default) or bootstrap-admin <username>`);
}

main().catch((error: unknown) => {
  const reason = error instanceof Error ? error.message : String(error);
  process.stderr.write(`kinsight api failed: ${reason}\n`);
  process.exit(1);
});
