import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

export const repoRoot = resolve(import.meta.dirname, '../../../..');

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? done(addr.port) : fail(new Error('no port'))));
    });
  });
}

export interface RunningApi {
  url: string;
  token: string;
  /** session cookie of a bootstrap admin, for the dashboard procedures (topology.get …) */
  cookie: string;
  stop(): Promise<void>;
}

/**
 * Starts the real API as its own process for agent tests: on a throwaway database of the server in
 * DATABASE_URL when set, else on a temporary embedded PGlite.
 */
export async function startApi(): Promise<RunningApi> {
  const token = randomBytes(24).toString('hex');
  const port = await freePort();
  const cleanups: (() => Promise<void>)[] = [];
  const password = randomBytes(16).toString('hex');
  const env: Record<string, string> = {
    PORT: String(port),
    KINSIGHT_AGENT_TOKEN: token,
    LOG_LEVEL: 'warn',
    KINSIGHT_BOOTSTRAP_ADMIN: 'agent-test',
    KINSIGHT_BOOTSTRAP_PASSWORD: password,
  };
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const name = `kinsight_agent_test_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'kinsight-agent-test-'));
    env.KINSIGHT_DATA_DIR = join(dir, 'db');
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  }
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
    cwd: repoRoot,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    for (const cleanup of cleanups) await cleanup();
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the API exited with code ${child.exitCode} before answering /healthz`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('the API did not answer /healthz within 60 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const signIn = await fetch(`${url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'agent-test', password }),
  });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';', 1)[0] ?? '';
  if (!signIn.ok || !cookie) {
    await stop();
    throw new Error(`signing in to the test API failed with ${signIn.status}: ${await signIn.text()}`);
  }
  return { url, token, cookie, stop };
}

/** Calls a tRPC query over plain HTTP, as any client would. */
export async function trpcQuery<T>(apiUrl: string, path: string, input: unknown, cookie = ''): Promise<T> {
  const res = await fetch(`${apiUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: cookie ? { cookie } : {} });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok || !body.result) throw new Error(`${path} failed with ${res.status}: ${JSON.stringify(body.error)}`);
  return body.result.data;
}
