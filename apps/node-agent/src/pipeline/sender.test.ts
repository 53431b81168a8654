import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, repoRoot } from '../testing/api-process.js';
import type { EdgeRow } from './aggregate.js';
import { BatchSender } from './sender.js';

const ADMIN = { username: 'root', password: 'sender test password' };
const BASE = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 6 * 3_600_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The real API as a process we can SIGKILL and start again on the same port and database. */
async function apiFixture() {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'kinsight-sender-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port), HOST: '127.0.0.1', KINSIGHT_AGENT_TOKEN: token, LOG_LEVEL: 'error', KINSIGHT_DATA_DIR: join(dir, 'db'),
    KINSIGHT_BOOTSTRAP_ADMIN: ADMIN.username, KINSIGHT_BOOTSTRAP_PASSWORD: ADMIN.password, DATABASE_URL: '',
  };
  const serverUrl = process.env['DATABASE_URL'];
  if (serverUrl) {
    const name = `kinsight_sender_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    env['DATABASE_URL'] = url.toString();
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
  }
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  let child: ChildProcess | null = null;
  const url = `http://127.0.0.1:${port}`;
  const api = {
    url,
    token,
    spoolDir: join(dir, 'spool'),
    async start() {
      child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'apps/api/src/main.ts')], { env, stdio: 'ignore' });
      for (let i = 0; i < 600; i++) {
        if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`API did not become ready at ${url}`);
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const running = child;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill(signal);
      });
    },
    /** Total requests the API stored on edge svc-a → svc-b, read through topology.get as a signed-in user. */
    async storedRequests(): Promise<number> {
      const signIn = await fetch(`${url}/trpc/auth.signIn`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN),
      });
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const input = encodeURIComponent(JSON.stringify({ from: BASE, to: BASE + 10_000 * 10_000 }));
      const response = await fetch(`${url}/trpc/topology.get?input=${input}`, { headers: { cookie } });
      const body = (await response.json()) as { result: { data: { edges: { id: string; metrics: { requests: number } }[] } } };
      return body.result.data.edges.find((e) => e.id === 'service:svc-a->service:svc-b#http1')?.metrics.requests ?? 0;
    },
  };
  cleanups.push(() => api.kill());
  return api;
}

/** One request in its own bucket: the sum over all buckets counts stored batches exactly. */
const row = (i: number): EdgeRow => ({
  bucketStart: BASE + i * 10_000, bucketSeconds: 10,
  client: { kind: 'service', name: 'svc-a' }, server: { kind: 'service', name: 'svc-b' },
  protocol: 'http1', method: 'GET', statusClass: '2xx', requests: 1, errors: 0, latencySumMs: 1, latencyMaxMs: 1,
});

const log = pino({ level: 'silent' });

describe('BatchSender against the real API', () => {
  it('stores 1,000 batches exactly once while the API is killed and restarted mid-stream', async () => {
    const api = await apiFixture();
    await api.start();
    const sender = new BatchSender({
      apiUrl: api.url, token: api.token, agent: { id: 'node-a', hostname: 'node-a', version: 'test' }, log,
      spoolDir: api.spoolDir, maxQueuedBatches: 2_000, minBackoffMs: 50, maxBackoffMs: 400,
    });
    cleanups.push(async () => sender.stop());
    for (let i = 0; i < 1_000; i++) {
      sender.enqueue([row(i)]);
      // Kill -9 twice while batches are in flight; bring it back after a pause.
      if (i === 300 || i === 700) {
        await api.kill();
        await new Promise((r) => setTimeout(r, 300));
        await api.start();
      }
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(await sender.drain(120_000)).toBe(true);
    expect(sender.stats.sent + sender.stats.duplicates).toBe(1_000);
    expect({ rejected: sender.stats.rejected, dropped: sender.stats.dropped, queued: sender.stats.queued }).toEqual({ rejected: 0, dropped: 0, queued: 0 });
    expect(await api.storedRequests()).toBe(1_000);
    expect(readdirSync(api.spoolDir)).toEqual([]);
  }, 240_000);

  it('keeps batches on disk while the API is down and delivers them in order after an agent restart', async () => {
    const api = await apiFixture();
    const options = {
      apiUrl: api.url, token: api.token, agent: { id: 'node-a', hostname: 'node-a', version: 'test' }, log,
      spoolDir: api.spoolDir, minBackoffMs: 50, maxBackoffMs: 200,
    };
    const first = new BatchSender(options);
    for (let i = 0; i < 5; i++) first.enqueue([row(i)]);
    expect(await first.drain(300)).toBe(false);
    first.stop();
    expect(readdirSync(api.spoolDir)).toHaveLength(5);
    await api.start();
    const second = new BatchSender(options);
    cleanups.push(async () => second.stop());
    expect(await second.drain(60_000)).toBe(true);
    expect(second.stats).toMatchObject({ sent: 5, queued: 0, dropped: 0 });
    expect(await api.storedRequests()).toBe(5);
  }, 120_000);

  it('drops and counts the oldest batches when the spool is full', async () => {
    const api = await apiFixture();
    const sender = new BatchSender({
      apiUrl: api.url, token: api.token, agent: { id: 'node-a', hostname: 'node-a', version: 'test' }, log,
      spoolDir: api.spoolDir, maxQueuedBatches: 3, minBackoffMs: 50, maxBackoffMs: 100,
    });
    cleanups.push(async () => sender.stop());
    for (let i = 0; i < 10; i++) sender.enqueue([row(i)]);
    expect(sender.stats).toMatchObject({ queued: 3, dropped: 7 });
    await api.start();
    expect(await sender.drain(60_000)).toBe(true);
    expect(await api.storedRequests()).toBe(3);
  }, 120_000);
});
