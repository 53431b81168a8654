/**
 * Kernel test of the agent's CPU priority (scheduling.ts), with the agent as a user runs it (`main.ts`,
 * default `adaptive`): every thread, the ring drain thread included, runs under SCHED_IDLE; when busy loops
 * take every CPU while traffic flows, the starved agent falls behind, takes a normal share (SCHED_OTHER) and
 * says so on /metrics; once the CPUs are free again it yields again. Busy loops and traffic are bounded in time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { threadScheduling } from './scheduling.js';
import { mustRunKernelTests } from './testing/kernel-harness.js';
import { runClient, startServer } from './testing/traffic.js';
import { freePort } from './testing/api-process.js';

const mainTs = fileURLToPath(new URL('./main.ts', import.meta.url));
const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

async function metric(port: number, what: string, stage = 'schedule'): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = new RegExp(`^kinsight_agent_pipeline\\{stage="${stage}",what="${what}"\\} (\\d+)`, 'm').exec(text);
  if (!m) throw new Error(`no ${stage}/${what} on /metrics`);
  return Number(m[1]);
}

/** Polls `check`; a scrape that fails meanwhile (a starved agent resets idle keep-alive sockets) is retried. */
async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

/** A busy loop at normal priority, ending by itself after `ms`. */
const hog = (ms: number): ChildProcess =>
  spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end) {}`], { stdio: 'ignore' });

/** The agent CLI as a user runs it (default `adaptive` priority), its log collected as it goes. */
async function startAgent(): Promise<{ agent: ChildProcess; metricsPort: number; log: () => string }> {
  const metricsPort = await freePort();
  const agent = spawn(process.execPath, ['--import', 'tsx', mainTs, '--no-send', '--metrics-port', String(metricsPort)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'info', KINSIGHT_AGENT_CPU_PRIORITY: 'adaptive' },
  });
  let log = '';
  agent.stdout.on('data', (d: Buffer) => (log += d.toString()));
  return { agent, metricsPort, log: () => log };
}

describe.runIf(mustRunKernelTests)('agent CPU priority on the running kernel', () => {
  it('yields the CPU while it keeps up, takes a normal share when starved, and yields again', async () => {
    const { agent, metricsPort, log } = await startAgent();
    const server = await startServer('ks-sched-srv');
    const hogs: ChildProcess[] = [];
    try {
      await waitFor(async () => log().includes('eBPF capture attached'), 'the agent to attach', 30_000);
      const pid = agent.pid ?? 0;
      const threads = threadScheduling(pid);
      expect(threads.length).toBeGreaterThan(5);
      expect(threads.filter((t) => t.policy !== SCHED_IDLE)).toEqual([]);
      expect([await metric(metricsPort, 'idle_policy'), await metric(metricsPort, 'escalations')]).toEqual([1, 0]);

      // Every CPU busy at normal priority for 8 s, with traffic for the starved agent to fall behind on.
      for (let i = 0; i < availableParallelism(); i++) hogs.push(hog(8_000));
      const traffic = runClient('ks-sched-cli', '127.0.0.1', server.port, Array.from({ length: 1_500 }, () => ({ status: 200, newConnection: false })));
      // The log line and the metric are written one after the other: wait for both, then check the threads.
      const escalated = /"policy":"other","why":"(a batch arrived \d+ ms after its newest event|\d+ events dropped)"/;
      await waitFor(async () => escalated.test(log()) && (await metric(metricsPort, 'escalations')) >= 1, 'the agent to take a normal share', 20_000);
      expect(threadScheduling(pid).filter((t) => t.policy !== SCHED_OTHER)).toEqual([]);

      await Promise.all(hogs.map((h) => (h.exitCode === null ? once(h, 'exit') : null)));
      await traffic;
      // Kept up for 10 s (20 s if it relapsed while the loops ran): back under SCHED_IDLE.
      const yielded = /"policy":"idle","why":"kept up for \d+ s"/;
      await waitFor(async () => yielded.test(log()) && (await metric(metricsPort, 'idle_policy')) === 1, 'the agent to yield again', 45_000);
      expect(threadScheduling(pid).filter((t) => t.policy !== SCHED_IDLE)).toEqual([]);
    } finally {
      for (const h of hogs) h.kill('SIGKILL');
      server.child.kill('SIGTERM');
      agent.kill('SIGTERM');
      if (agent.exitCode === null) await once(agent, 'exit');
    }
  }, 120_000);

  it('does not take a normal share while it shuts down with traffic flowing', async () => {
    const { agent, metricsPort, log } = await startAgent();
    const server = await startServer('ks-sched-stop-srv');
    try {
      await waitFor(async () => log().includes('eBPF capture attached'), 'the agent to attach', 30_000);
      const traffic = runClient('ks-sched-stop-cli', '127.0.0.1', server.port, Array.from({ length: 3_000 }, () => ({ status: 200, newConnection: false })));
      await waitFor(async () => (await metric(metricsPort, 'transactions', 'parse')) >= 200, 'the agent to parse the traffic', 20_000);
      // Stopped mid-traffic: detaching the programs holds the JS thread while batches keep arriving.
      agent.kill('SIGTERM');
      const [code] = (await once(agent, 'exit')) as [number | null];
      await traffic;
      expect(code).toBe(0);
      const afterStop = log().slice(log().indexOf('stopping agent'));
      expect(log()).toContain('stopping agent');
      expect(afterStop).not.toMatch(/"policy":"other"/);
    } finally {
      server.child.kill('SIGTERM');
      if (agent.exitCode === null) {
        agent.kill('SIGKILL');
        await once(agent, 'exit');
      }
    }
  }, 60_000);
});
