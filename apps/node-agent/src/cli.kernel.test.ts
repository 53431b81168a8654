/**
 * Kernel test of the CLI a user runs: `agent --print` prints one JSON line per transaction in the replay
 * schema, `agent --print-net` one line per connection per interval; both filtered by --port in the kernel
 * and stopped by --duration. The agent runs as `npm run agent` runs it: bundled by launch.mjs, with its V8
 * flags — so the bundle's paths to the BPF objects and the native addon are proven too.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { AGENT_NODE_FLAGS, bundleAgent } from '../launch.mjs';
import { kernelSupport, mustRunKernelTests } from './testing/kernel-harness.js';
import { type PlannedRequest, runClientWithPid, startServer } from './testing/traffic.js';

let entry = '';
const launchMjs = fileURLToPath(new URL('../launch.mjs', import.meta.url));
/** The session id of a process (/proc/<pid>/stat field 6). */
const sessionOf = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
};

/** Starts `node <args> --no-send --metrics-port 0` with stdout and stderr collected into one text. */
function startWithOutput(args: string[], opts: { detached?: boolean } = {}) {
  const child = spawn(process.execPath, [...args, '--no-send', '--metrics-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info' },
    detached: opts.detached ?? false,
  });
  let output = '';
  const collect = (d: Buffer) => (output += d.toString());
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = once(child, 'exit');
  /** Waits (at most 30 s) until the output holds `text`. */
  const waitFor = async (text: string) => {
    const deadline = Date.now() + 30_000;
    while (!output.includes(text) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(output).toContain(text);
  };
  return { child, exited, waitFor, output: () => output };
}

/** Runs the agent CLI until --duration ends; calls `traffic` once it is attached. */
async function runAgent(args: string[], traffic: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const agent = spawn(process.execPath, [...AGENT_NODE_FLAGS, entry, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  let stdout = '';
  let stderr = '';
  agent.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const attached = new Promise<void>((resolve) => {
    agent.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('eBPF capture attached')) resolve();
    });
  });
  const exited = once(agent, 'exit');
  await Promise.race([attached, exited]);
  await traffic();
  const [code] = (await exited) as [number | null];
  expect(code, stderr).toBe(0);
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe.runIf(mustRunKernelTests)('agent CLI on the running kernel', () => {
  beforeAll(async () => {
    entry = await bundleAgent();
  });

  it('--print: one replay-schema line per transaction, only for --port', async () => {
    expect(kernelSupport).toEqual({ ok: true });
    const server = await startServer('ks-cli-srv');
    const other = await startServer('ks-cli-other');
    const plan: PlannedRequest[] = Array.from({ length: 6 }, (_, i) => ({ status: i % 2 ? 404 : 200, newConnection: false }));
    let clientPid = 0;
    try {
      const lines = await runAgent(['--print', '--port', String(server.port), '--duration', '5s'], async () => {
        clientPid = (await runClientWithPid('ks-cli-client', '127.0.0.1', server.port, plan)).pid;
        await runClientWithPid('ks-cli-noise', '127.0.0.1', other.port, plan);
      });
      const client = lines.filter((l) => l['pid'] === clientPid);
      expect(client.map((l) => Object.keys(l))).toEqual(
        plan.map(() => ['proto', 'client', 'server', 'ts', 'latency_ms', 'req', 'resp', 'trace', 'side', 'pid', 'comm']),
      );
      expect(client.map((l) => [l['proto'], l['server'], l['side'], (l['req'] as { method: string }).method, (l['resp'] as { status: number }).status])).toEqual(
        plan.map((p) => ['http1', `127.0.0.1:${server.port}`, 'client', 'GET', p.status]),
      );
      // The server's side of the same calls, and nothing from the other server's port.
      expect(lines.filter((l) => l['side'] === 'server')).toHaveLength(plan.length);
      expect(lines).toHaveLength(2 * plan.length);
    } finally {
      server.child.kill('SIGTERM');
      other.child.kill('SIGTERM');
    }
  }, 60_000);

  it('--print-net: per-connection network lines with the documented keys', async () => {
    const server = await startServer('ks-net-srv');
    const plan: PlannedRequest[] = Array.from({ length: 4 }, () => ({ status: 200, newConnection: true }));
    try {
      const lines = await runAgent(['--print-net', '--port', String(server.port), '--duration', '4s'], async () => {
        await runClientWithPid('ks-net-client', '127.0.0.1', server.port, plan);
      });
      for (const line of lines) {
        expect(Object.keys(line)).toEqual(expect.arrayContaining(['client', 'server', 'retransmits', 'srtt_us', 'drops', 'resets', 'bytes_sent', 'bytes_recv']));
      }
      const clientSide = lines.filter((l) => l['side'] === 'client' && l['server'] === `127.0.0.1:${server.port}`);
      // Four new connections, each seen opening and closing, none retransmitting on loopback.
      expect(new Set(clientSide.filter((l) => l['closed'] === true).map((l) => l['client'])).size).toBe(4);
      expect(clientSide.filter((l) => l['opened'] === true)).toHaveLength(4);
      expect(clientSide.reduce((n, l) => n + Number(l['retransmits']), 0)).toBe(0);
    } finally {
      server.child.kill('SIGTERM');
    }
  }, 60_000);

  it('launch.mjs (npm run agent): a Ctrl-C to the terminal group stops the agent once, gracefully', async () => {
    // In a process group of its own, as a terminal's foreground job is; the group gets the SIGINT.
    const launcher = startWithOutput([launchMjs], { detached: true });
    try {
      await launcher.waitFor('eBPF capture attached');
      // The agent shares the launcher's session, hence its CPU group (autogroup): SCHED_IDLE acts there.
      const agentPid = Number(execFileSync('pgrep', ['-P', String(launcher.child.pid)], { encoding: 'utf8' }).trim());
      expect(sessionOf(agentPid)).toBe(sessionOf(launcher.child.pid ?? 0));
      process.kill(-(launcher.child.pid ?? 0), 'SIGINT');
      const [code] = (await launcher.exited) as [number | null];
      expect(code, launcher.output()).toBe(0);
      expect(launcher.output().match(/"msg":"stopping agent"/g)).toHaveLength(1);
    } finally {
      if (launcher.child.exitCode === null) process.kill(-(launcher.child.pid ?? 0), 'SIGKILL');
    }
  }, 60_000);

  it('run alone, a second Ctrl-C while it stops exits at once, with 130', async () => {
    const agent = startWithOutput([...AGENT_NODE_FLAGS, entry]);
    try {
      await agent.waitFor('eBPF capture attached');
      agent.child.kill('SIGINT');
      await agent.waitFor('"msg":"stopping agent"');
      agent.child.kill('SIGINT');
      const [code] = (await agent.exited) as [number | null];
      expect(code, agent.output()).toBe(130);
      expect(agent.output()).toContain('signalled again while stopping');
    } finally {
      if (agent.child.exitCode === null) agent.child.kill('SIGKILL');
    }
  }, 60_000);
});
