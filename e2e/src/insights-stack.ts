/**
 * A second, private stack for the Insights spec: its own API (own PGlite directory, or a throwaway
 * PostgreSQL database when DATABASE_URL is set) and its own `next start` of the built dashboard.
 * The Insights case needs minutes of history and more services than the shared seed, whose exact
 * counts the topology spec asserts; keeping them apart keeps both exact.
 *
 * Order matters: the API first runs with the Insights runner off while the case is ingested, then
 * restarts with a 1 s runner. Its first tick then analyses the whole lookback (10 min) at once,
 * baseline and incident together — a runner already ticking would have moved its watermark past
 * the seeded buckets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { bootstrapAdmin, signInThroughPage } from './auth.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './database.js';
import { e2eEnv } from './env.js';
import { freePort, start, stop, waitForHttp, type Started } from './processes.js';
import { seedInsightsCase } from './seed.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const WEB_DIR = join(REPO_ROOT, 'apps/web');
const BIN = join(REPO_ROOT, 'node_modules/.bin');
/** How often the restarted API's runner ticks. */
export const INSIGHTS_TICK_MS = 1_000;

export interface InsightsStack {
  webUrl: string;
  /** Playwright storage state signed in as the e2e admin on this stack's dashboard */
  storageState: string;
  /** the API's log, for failure messages */
  apiLog: string;
  stop(): Promise<void>;
}

export async function startInsightsStack(): Promise<InsightsStack> {
  const env = e2eEnv();
  const workDir = await mkdtemp(join(tmpdir(), 'kinsight-e2e-insights-'));
  const agentToken = randomBytes(24).toString('hex');
  const running: Started[] = [];
  let database: ThrowawayDatabase | undefined;
  const teardown = async () => {
    for (const server of running.splice(0).reverse()) await stop(server);
    if (database) await database.drop().catch((error: unknown) => console.error(`e2e insights: dropping the throwaway database failed: ${String(error)}`));
    await rm(workDir, { recursive: true, force: true });
  };

  try {
    const databaseEnv: NodeJS.ProcessEnv = {};
    if (env.DATABASE_URL) {
      database = await createThrowawayDatabase(env.DATABASE_URL);
      databaseEnv.DATABASE_URL = database.url;
    } else {
      databaseEnv.DATABASE_URL = '';
      databaseEnv.KINSIGHT_DATA_DIR = join(workDir, 'db');
    }
    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    // The spawned servers get the parent's environment, as global-setup's do.
    const apiEnv = (intervalMs: number): NodeJS.ProcessEnv => ({
      ...process.env,
      ...databaseEnv,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      KINSIGHT_AGENT_TOKEN: agentToken,
      KINSIGHT_INSIGHTS_INTERVAL_MS: String(intervalMs),
      LOG_LEVEL: 'info',
    });
    await bootstrapAdmin(join(BIN, 'tsx'), REPO_ROOT, apiEnv(0));

    const startApi = async (name: string, intervalMs: number) => {
      const api = start(name, join(BIN, 'tsx'), ['apps/api/src/main.ts'], { cwd: REPO_ROOT, env: apiEnv(intervalMs), logFile: join(workDir, `${name}.log`) });
      running.push(api);
      await waitForHttp(api, `${apiUrl}/healthz`, 60_000);
      return api;
    };

    // 1. Runner off: ingest the case.
    const quiet = await startApi('insights-api-seed', 0);
    await seedInsightsCase(apiUrl, agentToken);
    await stop(quiet);
    running.splice(running.indexOf(quiet), 1);

    // 2. The dashboard and the API with its runner, started together.
    const webPort = await freePort();
    const webUrl = `http://127.0.0.1:${webPort}`;
    const web = start('insights-web', join(BIN, 'next'), ['start', '-H', '127.0.0.1', '-p', String(webPort)], {
      cwd: WEB_DIR,
      env: { ...process.env, KINSIGHT_API_URL: apiUrl, KINSIGHT_TEST_HOOKS: '1', NEXT_TELEMETRY_DISABLED: '1' },
      logFile: join(workDir, 'insights-web.log'),
    });
    running.push(web);
    const api = await startApi('insights-api', INSIGHTS_TICK_MS);
    await waitForHttp(web, `${webUrl}/signin`, 60_000);

    const storageState = join(workDir, 'signed-in.json');
    await signInThroughPage(webUrl, storageState);
    return { webUrl, storageState, apiLog: api.logFile, stop: teardown };
  } catch (error) {
    await teardown();
    throw error;
  }
}
