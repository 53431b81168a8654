/**
 * The e2e user, made through the real bootstrap path (`npm run api -- bootstrap-admin`, password on
 * stdin) and signed in through the real sign-in page; the session is saved as Playwright storage state.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chromium } from '@playwright/test';
import { CHROMIUM_PATH } from './browser.js';
import { e2eEnv } from './env.js';

export const E2E_USER = 'e2e-admin';
/** Fresh per run, never a default: made in global-setup and handed to the workers. */
export const E2E_PASSWORD = e2eEnv().KINSIGHT_E2E_PASSWORD ?? `e2e-${randomBytes(12).toString('hex')}`;

/** Runs `tsx apps/api/src/main.ts bootstrap-admin <user>` against the run's database. */
export async function bootstrapAdmin(tsx: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(tsx, ['apps/api/src/main.ts', 'bootstrap-admin', E2E_USER], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stdin.end(`${E2E_PASSWORD}\n`);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`e2e: bootstrap-admin exited with ${code}: ${output.join('')}`);
}

/** Signs in on the dashboard's sign-in page and saves the session cookie to `path`. */
export async function signInThroughPage(webUrl: string, path: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${webUrl}/signin`);
    await page.getByTestId('signin-username').fill(E2E_USER);
    await page.getByTestId('signin-password').fill(E2E_PASSWORD);
    await page.getByTestId('signin-submit').click();
    await page.waitForURL(`${webUrl}/`, { timeout: 30_000 });
    await context.storageState({ path });
  } finally {
    await browser.close();
  }
}
