#!/usr/bin/env node
// `npm start`: installs what is missing, then runs the whole platform locally —
// API (127.0.0.1:4000, embedded PGlite in ./.kinsight/db or DATABASE_URL), dashboard (127.0.0.1:3000),
// the node agent with real eBPF capture, and the demo workload. Ctrl-C stops every child.
//
//   npm start -- --scenario slow-network [--fault-after 3m] [--fault-for 0] [--loss 20] [--rate-kbit N]
//
// runs the demo's reference incident instead of a healthy demo (tools/src/demo/run.ts explains it).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureKernel, ensureNpm, nxEnv, repoRoot } from './ensure.mjs';
import { AGENT_NODE_FLAGS, bundleAgent } from '../../apps/node-agent/launch.mjs';

const API_PORT = Number(process.env.PORT ?? 4000);
const WEB_PORT = Number(process.env.KINSIGHT_WEB_PORT ?? 3000);
const apiUrl = `http://127.0.0.1:${API_PORT}`;
const stateDir = join(repoRoot, '.kinsight');

function say(message) {
  process.stdout.write(`[kinsight] ${message}\n`);
}

const SCENARIO_FLAGS = ['fault-after', 'fault-for', 'loss', 'rate-kbit'];

/** The demo's arguments from ours: nothing for the default demo, the scenario and its flags otherwise. */
function demoArgs() {
  let values;
  try {
    ({ values } = parseArgs({
      options: Object.fromEntries(['scenario', ...SCENARIO_FLAGS].map((name) => [name, { type: 'string' }])),
    }));
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}. Usage: npm start [-- --scenario slow-network [--fault-after 3m] [--fault-for 0] [--loss 20] [--rate-kbit N]]`);
  }
  if (values.scenario === undefined) {
    const stray = SCENARIO_FLAGS.filter((name) => values[name] !== undefined);
    if (stray.length > 0) {
      throw new Error(`--${stray.join(', --')} ${stray.length === 1 ? 'applies' : 'apply'} only to a scenario: add --scenario slow-network`);
    }
    return [];
  }
  if (values.scenario !== 'slow-network') throw new Error(`unknown scenario "${values.scenario}"; the demo knows: slow-network`);
  if (process.getuid?.() !== 0) throw new Error('the slow-network scenario needs root: it creates a network namespace, a veth pair and tc filters');
  const args = ['--scenario', values.scenario];
  for (const name of SCENARIO_FLAGS) if (values[name] !== undefined) args.push(`--${name}`, values[name]);
  return args;
}

/** One token per checkout, created on first start and kept private to this user. */
function agentToken() {
  const file = join(stateDir, 'agent-token');
  if (!existsSync(file)) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, randomBytes(24).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

async function waitFor(url, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs / 1000}s`);
}

const children = new Map();
let stopping = false;

function start(name, args, env = {}, cwd = repoRoot) {
  const child = spawn(args[0], args.slice(1), {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true, // own process group, so stopping reaches grandchildren too
  });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    say(`${name} exited (${signal ?? `code ${code}`})`);
    if (name === 'api' || name === 'web') void stopAll(1);
  });
  return child;
}

function signal(child, sig) {
  try {
    process.kill(-child.pid, sig);
  } catch {
    // already gone
  }
}

/** Stops the producers first (the agent flushes its last buckets to a still-running API), then the rest. */
async function stopAll(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const [phase, waitMs] of [[['agent', 'demo'], 15_000], [['web', 'api'], 8_000]]) {
    const group = phase.map((name) => children.get(name)).filter(Boolean);
    for (const child of group) signal(child, 'SIGTERM');
    const deadline = Date.now() + waitMs;
    while (group.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  for (const child of children.values()) signal(child, 'SIGKILL');
  process.exit(exitCode);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function main() {
  const scenario = demoArgs();
  ensureNpm();
  const blockers = ensureKernel();
  say('building the dashboard (cached after the first time)…');
  const build = spawnSync('npx', ['nx', 'run', 'web:build', '--outputStyle=stream'], { cwd: repoRoot, stdio: 'inherit', env: nxEnv() });
  if (build.status !== 0) throw new Error('the dashboard build failed (see above)');

  const token = agentToken();
  const node = process.execPath;
  const dbNote = process.env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : `embedded PGlite in ${join(stateDir, 'db')}`;
  say(`starting the API on ${apiUrl} (${dbNote})`);
  start('api', [node, '--import', 'tsx', 'apps/api/src/main.ts'], {
    PORT: String(API_PORT),
    KINSIGHT_AGENT_TOKEN: token,
    KINSIGHT_DATA_DIR: process.env.KINSIGHT_DATA_DIR ?? join(stateDir, 'db'),
    // Local demo only: the API honours this on loopback alone and logs a warning while it is on.
    KINSIGHT_DEMO_SIGNIN: 'local',
  });
  say('local demo: the dashboard signs you in automatically as admin "local" (KINSIGHT_DEMO_SIGNIN); a real deployment bootstraps its first admin with `npm run api -- bootstrap-admin <user>`');
  await waitFor(`${apiUrl}/healthz`, 'the API', 120_000);

  start('web', [node, join(repoRoot, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(WEB_PORT)], {
    KINSIGHT_API_URL: apiUrl,
    NEXT_TELEMETRY_DISABLED: '1',
  }, join(repoRoot, 'apps/web'));

  if (blockers.length === 0) {
    // Bundled and started with its V8 flags, as `npm run agent` and the agent benchmark run it
    // (apps/node-agent/launch.mjs, docs/AGENT-BENCH.md). In a session of its own, like every part here: its
    // SCHED_IDLE then orders it only within that session's CPU group, not against the demo services.
    start('agent', [node, ...AGENT_NODE_FLAGS, await bundleAgent()], {
      KINSIGHT_API_URL: apiUrl,
      KINSIGHT_AGENT_TOKEN: token,
      KINSIGHT_SPOOL_DIR: join(stateDir, 'spool'),
    });
  } else {
    say(`the node agent is NOT running — eBPF capture cannot run here: ${blockers.join('; ')}.`);
    say('the API, the dashboard and the demo still run; the topology stays empty until an agent sends data.');
  }
  start('demo', [node, '--import', 'tsx', 'tools/src/demo/run.ts', ...scenario]);
  if (scenario.length > 0) {
    say('scenario slow-network: product and inventory run in a network namespace behind a veth; after the baseline the demo says when packet loss between gateway and product starts.');
    say('then watch the dashboard: the gateway\'s latency alert opens about a minute later, with a root-cause report naming gateway → product as a network problem.');
  }

  await waitFor(`http://127.0.0.1:${WEB_PORT}/`, 'the dashboard', 60_000);
  say(`ready: open http://127.0.0.1:${WEB_PORT} — the demo's services appear within a minute. Ctrl-C stops everything.`);
}

main().catch((err) => {
  say(`start failed: ${err instanceof Error ? err.message : String(err)}`);
  void stopAll(1);
});
