/**
 * The platform as processes, for the demo's end-to-end test: the real API (on a throwaway database of the
 * server in DATABASE_URL, else a temporary embedded PGlite) and the real node agent — started the way
 * `npm start` starts them. Tools may not import apps, so everything here talks HTTP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';

export const repoRoot = resolve(import.meta.dirname, '../../../..');

/** What the kernel side needs; in CI a missing piece fails the test, elsewhere the test does not run. */
export function kernelBlockers(): string[] {
  const blockers: string[] = [];
  if (process.getuid?.() !== 0) blockers.push('not root (eBPF, network namespaces and tc need it)');
  if (!existsSync('/sys/kernel/btf/vmlinux')) blockers.push('no BTF at /sys/kernel/btf/vmlinux');
  for (const artifact of ['bpf/.output/l7_capture.bpf.o', 'bpf/.output/test/ks_tc_loss.bpf.o', 'libs/libbpf-ts/build/Release/libbpf_ts.node']) {
    if (!existsSync(join(repoRoot, artifact))) blockers.push(`${artifact} is not built (npx nx run-many -t build build-addon -p bpf libbpf-ts)`);
  }
  return blockers;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? done(addr.port) : fail(new Error('no free port'))));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
  });
}

/** The first of `count` consecutive ports that are free on loopback now. */
export async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await freePort();
    if (first + count > 65_536) continue;
    let free = true;
    for (let port = first + 1; port < first + count && free; port++) free = await portIsFree(port);
    if (free) return first;
  }
  throw new Error(`found no ${count} consecutive free ports on 127.0.0.1`);
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface RunningApi {
  url: string;
  token: string;
  /** session cookie of the bootstrap admin */
  cookie: string;
  stop(): Promise<void>;
}

export async function startApi(extraEnv: Record<string, string> = {}): Promise<RunningApi> {
  const token = randomBytes(24).toString('hex');
  const password = randomBytes(16).toString('hex');
  const port = await freePort();
  const cleanups: (() => Promise<void>)[] = [];
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    KINSIGHT_AGENT_TOKEN: token,
    LOG_LEVEL: 'warn',
    KINSIGHT_BOOTSTRAP_ADMIN: 'scenario-test',
    KINSIGHT_BOOTSTRAP_PASSWORD: password,
    ...extraEnv,
  };
  const adminUrl = process.env['DATABASE_URL'];
  if (adminUrl) {
    const name = `kinsight_scenario_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    env['DATABASE_URL'] = url.toString();
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'kinsight-scenario-'));
    env['KINSIGHT_DATA_DIR'] = join(dir, 'db');
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  }
  const { DATABASE_URL: _inherited, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
    cwd: repoRoot,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child, 15_000);
    for (const cleanup of cleanups) await cleanup();
  };
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the API exited with code ${child.exitCode} before answering /healthz`);
      if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error('the API did not answer /healthz within 90 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    const signIn = await fetch(`${url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'scenario-test', password }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';', 1)[0] ?? '';
    if (!signIn.ok || !cookie) throw new Error(`signing in to the test API failed with ${signIn.status}: ${await signIn.text()}`);
    return { url, token, cookie, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface RunningAgent {
  /** the agent's pipeline counters (`kinsight_agent_pipeline{stage,what}`) as `stage.what` → value */
  pipeline(): Promise<Record<string, number>>;
  /** SIGTERM: the agent flushes every open bucket and delivers it before exiting */
  stop(): Promise<void>;
}

/** The real node agent (capture + network quality), sending to `api`. */
export async function startAgent(api: RunningApi): Promise<RunningAgent> {
  const spool = mkdtempSync(join(tmpdir(), 'kinsight-scenario-spool-'));
  const metricsPort = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/node-agent/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KINSIGHT_API_URL: api.url,
      KINSIGHT_AGENT_TOKEN: api.token,
      KINSIGHT_AGENT_ID: 'slow-network-test',
      KINSIGHT_AGENT_METRICS_PORT: String(metricsPort),
      KINSIGHT_SPOOL_DIR: spool,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    await stopChild(child, 30_000);
    rmSync(spool, { recursive: true, force: true });
  };
  const attached = new Promise<void>((done, fail) => {
    if (!child.stdout) return fail(new Error('the agent has no stdout pipe'));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.includes('eBPF capture attached')) done();
      else if (/"level":(50|60)/.test(line)) process.stderr.write(`[agent] ${line}\n`);
    });
    child.once('exit', (code) => fail(new Error(`the agent exited with code ${code} before attaching`)));
    setTimeout(() => fail(new Error('the agent did not attach within 60 s')), 60_000).unref();
  });
  try {
    await attached;
  } catch (error) {
    await stop();
    throw error;
  }
  const pipeline = async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const counters: Record<string, number> = {};
    for (const m of text.matchAll(/^kinsight_agent_pipeline\{([^}]*)\} (\S+)$/gm)) {
      const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(m[1] ?? '')?.[1] ?? '?';
      counters[`${label('stage')}.${label('what')}`] = Number(m[2]);
    }
    return counters;
  };
  return { pipeline, stop };
}

/** Calls a tRPC query over plain HTTP with the signed-in session, as the dashboard's proxy does. */
export async function trpcQuery<T>(api: RunningApi, path: string, input: unknown): Promise<T> {
  const res = await fetch(`${api.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie: api.cookie } });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok || !body.result) throw new Error(`${path} failed with ${res.status}: ${JSON.stringify(body.error)}`);
  return body.result.data;
}
