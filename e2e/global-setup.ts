/**
 * Starts the real stack for the specs: the API (tsx, PGlite in a temp dir or a
 * throwaway PostgreSQL database when DATABASE_URL is set), then `next start` of
 * the built dashboard with test hooks on, seeds through `ingest.batch`, and
 * returns the teardown, which stops both even when tests fail.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FullConfig } from '@playwright/test';
import { bootstrapAdmin, E2E_PASSWORD, signInThroughPage } from './src/auth.js';
import { CHROMIUM_PATH } from './src/browser.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from './src/database.js';
import { e2eEnv, exportToWorkers } from './src/env.js';
import { freePort, start, stop, waitForHttp, type Started } from './src/processes.js';
import { seedThroughApi } from './src/seed.js';

const REPO_ROOT = resolve(import.meta.dirname, '..');
const WEB_DIR = join(REPO_ROOT, 'apps/web');
const BIN = join(REPO_ROOT, 'node_modules/.bin');

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  // A missing browser is a failure, never a skip: the suite would otherwise pass by proving nothing.
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`e2e: chromium not found at ${CHROMIUM_PATH}; install it (apt-get install chromium)`);
  }
  if (!existsSync(join(WEB_DIR, '.next/BUILD_ID'))) {
    throw new Error('e2e: apps/web has no production build; run `npx nx run web:build` first');
  }

  const env = e2eEnv();
  const workDir = await mkdtemp(join(tmpdir(), 'kinsight-e2e-'));
  const agentToken = randomBytes(24).toString('hex');
  const started: Started[] = [];
  let database: ThrowawayDatabase | undefined;

  const teardown = async () => {
    for (const server of started.reverse()) await stop(server);
    if (database) await database.drop().catch((error: unknown) => console.error(`e2e: dropping the throwaway database failed: ${String(error)}`));
    await rm(workDir, { recursive: true, force: true });
  };

  try {
    const apiPort = await freePort();
    const databaseEnv: NodeJS.ProcessEnv = {};
    if (env.DATABASE_URL) {
      database = await createThrowawayDatabase(env.DATABASE_URL);
      databaseEnv.DATABASE_URL = database.url;
    } else {
      databaseEnv.DATABASE_URL = '';
      databaseEnv.KINSIGHT_DATA_DIR = join(workDir, 'db');
    }
    const apiEnv = { ...process.env, ...databaseEnv, PORT: String(apiPort), HOST: '127.0.0.1', KINSIGHT_AGENT_TOKEN: agentToken, LOG_LEVEL: 'warn' };
    // The first admin comes from the real one-time bootstrap, before the API holds the database.
    await bootstrapAdmin(join(BIN, 'tsx'), REPO_ROOT, apiEnv);
    const api = start('api', join(BIN, 'tsx'), ['apps/api/src/main.ts'], {
      cwd: REPO_ROOT,
      env: apiEnv,
      logFile: join(workDir, 'api.log'),
    });
    started.push(api);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(api, `${apiUrl}/healthz`, 60_000);

    // The same build twice: once on the seeded API, once on a port nobody listens on,
    // which also proves KINSIGHT_API_URL is read at run time.
    const startWeb = async (name: string, apiBaseUrl: string) => {
      const port = await freePort();
      const web = start(name, join(BIN, 'next'), ['start', '-H', '127.0.0.1', '-p', String(port)], {
        cwd: WEB_DIR,
        env: { ...process.env, KINSIGHT_API_URL: apiBaseUrl, KINSIGHT_TEST_HOOKS: '1', NEXT_TELEMETRY_DISABLED: '1' },
        logFile: join(workDir, `${name}.log`),
      });
      started.push(web);
      const url = `http://127.0.0.1:${port}`;
      return { web, url };
    };
    const closedPort = await freePort();
    const main = await startWeb('web', apiUrl);
    const detached = await startWeb('web-detached', `http://127.0.0.1:${closedPort}`);
    await Promise.all([
      waitForHttp(main.web, `${main.url}/`, 60_000),
      waitForHttp(detached.web, `${detached.url}/`, 60_000),
    ]);

    await seedThroughApi(apiUrl, agentToken);
    const storageState = join(workDir, 'signed-in.json');
    await signInThroughPage(main.url, storageState);
    exportToWorkers('KINSIGHT_E2E_STORAGE_STATE', storageState);
    exportToWorkers('KINSIGHT_E2E_PASSWORD', E2E_PASSWORD);
    exportToWorkers('KINSIGHT_E2E_WEB_URL', main.url);
    exportToWorkers('KINSIGHT_E2E_API_URL', apiUrl);
    exportToWorkers('KINSIGHT_E2E_DETACHED_WEB_URL', detached.url);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
