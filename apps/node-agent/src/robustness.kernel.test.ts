/**
 * Kernel test: the agent survives what production throws at it and keeps counting exactly — a client killed
 * mid-request, fd numbers reused by new connections, 10k concurrent connections, and a flood that fills the
 * ring (it drops, counts every drop, and recovers). Also: per-request latency matches the client's (p50).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Http1Transaction } from '@kinsight/protocol-parsers';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from './agent.js';
import type { LifecycleEvent } from './capture/index.js';
import type { PrintRecord } from './print.js';
import {
  CONCURRENT_CLIENT, CONCURRENT_SERVER, FLOOD, HANGING_CLIENT, SEQUENTIAL_CONNECTIONS, SILENT_SERVER, TIMED_HTTP_PAIR,
} from './testing/clients.js';
import { type CaptureRun, kernelSupport, mustRunKernelTests, node, PYTHON, python, startCapture, until } from './testing/kernel-harness.js';
import { type PlannedRequest, runClientWithPid, startServer } from './testing/traffic.js';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

describe.runIf(mustRunKernelTests)('robustness on the running kernel', () => {
  let run: CaptureRun;

  beforeAll(() => {
    expect(kernelSupport).toEqual({ ok: true });
    run = startCapture({ keepEvents: true });
  });

  afterAll(() => run?.close());

  it('flushes the request of a client killed mid-call as unanswered, and keeps counting', async () => {
    const records: PrintRecord[] = [];
    const agent = new Agent({ log: pino({ level: 'silent' }), print: (r) => records.push(r), sampleEveryMs: 60_000 });
    agent.start();
    const server = spawn(PYTHON, ['-c', SILENT_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    const httpServer = await startServer('ks-after-kill');
    try {
      const [portLine] = (await once(server.stdout, 'data')) as [Buffer];
      const client = spawn(process.execPath, ['-e', HANGING_CLIENT, portLine.toString().trim()], { stdio: ['ignore', 'pipe', 'inherit'] });
      await once(client.stdout, 'data');
      const exited = once(client, 'exit');
      client.kill('SIGKILL');
      await exited;
      // No close() ran in the killed process: the end comes from the kernel's TCP state change.
      await until(() => {
        agent.sample();
        return records.some((r) => r.pid === client.pid);
      }, 'the killed client’s request to be flushed');
      expect(records.filter((r) => r.pid === client.pid).map((r) => [r.proto, r.req['path'], r.resp])).toEqual([['http1', '/hang', null]]);

      const plan: PlannedRequest[] = Array.from({ length: 10 }, () => ({ status: 200, newConnection: false }));
      const { pid } = await runClientWithPid('ks-after-kill-c', '127.0.0.1', httpServer.port, plan);
      await until(() => records.filter((r) => r.pid === pid).length >= 10, 'ten calls after the kill');
      expect(records.filter((r) => r.pid === pid && r.side === 'client').map((r) => r.resp?.['status'])).toEqual(plan.map(() => 200));
    } finally {
      server.kill('SIGKILL');
      httpServer.child.kill('SIGTERM');
      await agent.stop(1_000);
    }
  }, 60_000);

  it('tells connections apart when a new one gets the fd number of a closed one', async () => {
    const server = await startServer('ks-fd-reuse');
    try {
      const { pid, stdout } = await python(SEQUENTIAL_CONNECTIONS, String(server.port), '15');
      const { fds, statuses } = JSON.parse(stdout) as { fds: number[]; statuses: number[] };
      // Each connection was closed before the next opened: the kernel handed out the same fd every time.
      expect(new Set(fds).size).toBe(1);
      await run.settle();
      const connects = run.events.filter((e): e is LifecycleEvent => e.kind === 'connect' && e.pid === pid && e.remotePort === server.port);
      expect(connects.map((c) => c.fd)).toEqual(fds);
      const txs = run.transactions.filter((t) => t.pid === pid && t.side === 'client');
      expect(txs.map((t) => (t.tx as Http1Transaction).response?.status)).toEqual(statuses);
      expect(new Set(txs.map((t) => t.local.port)).size).toBe(15);
    } finally {
      server.child.kill('SIGTERM');
    }
  }, 60_000);

  it('counts every call of 10,000 concurrent connections', async () => {
    const N = 10_000;
    const server = spawn(process.execPath, ['-e', CONCURRENT_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    let pid: number;
    try {
      const [portLine] = (await once(server.stdout, 'data')) as [Buffer];
      const client = await node(CONCURRENT_CLIENT, portLine.toString().trim(), String(N));
      pid = client.pid;
      expect(JSON.parse(client.stdout)).toEqual({ open: N, answered: N });
    } finally {
      server.kill('SIGTERM');
    }
    await run.settle();
    const clientSide = run.transactions.filter((t) => t.pid === pid && t.side === 'client');
    expect(clientSide).toHaveLength(N);
    expect(new Set(clientSide.map((t) => t.connId)).size).toBe(N);
    expect(run.transactions.filter((t) => t.pid === server.pid && t.side === 'server')).toHaveLength(N);
    expect(run.capture.stats()).toMatchObject({ ringDrops: 0, droppedBatches: 0, decodeErrors: 0 });
  }, 180_000);

  it('measures per-request latency within 5 % of the client (p50)', async () => {
    const { pid, stdout } = await node(TIMED_HTTP_PAIR, '60', '20');
    const { latencies } = JSON.parse(stdout) as { latencies: number[] };
    await run.settle();
    const agentLatencies = run.transactions
      .filter((t) => t.pid === pid && t.side === 'client')
      .map((t) => {
        const tx = t.tx as Http1Transaction;
        return tx.response ? Number(tx.response.endNs - tx.request.startNs) / 1e6 : Number.NaN;
      });
    expect(agentLatencies).toHaveLength(60);
    const [agentP50, clientP50] = [median(agentLatencies), median(latencies)];
    expect(Math.abs(agentP50 - clientP50) / clientP50).toBeLessThan(0.05);
  }, 60_000);

  it('drops when a flood fills a small ring, counts every drop, and recovers', async () => {
    const flood = startCapture({ ringBytes: 64 * 1024 });
    try {
      // Below the ephemeral range (32768+): no other test's socket, TCP or UDP, can share it by chance.
      const port = 23_000 + (process.pid % 1000);
      flood.capture.setFilter({ ports: [port] });
      const { stdout } = await python(FLOOD, String(port), '4000', '1000');
      const { sendCalls, recvCalls } = JSON.parse(stdout) as { sendCalls: number; recvCalls: number };
      await flood.settle();
      const afterFlood = flood.capture.stats();
      expect(afterFlood.ringDrops).toBeGreaterThan(0);
      // Every event the kernel made is either delivered or counted as dropped: sends, reads, connect,
      // accept and three closes (client, accepted socket, listener).
      expect(afterFlood.submitted + afterFlood.ringDrops).toBe(sendCalls + recvCalls + 5);
      expect(afterFlood.events).toBe(afterFlood.submitted);

      // Recovery: the filter moves to a fresh server at run time and every call is counted again.
      const server = await startServer('ks-recover');
      try {
        flood.capture.setFilter({ ports: [server.port] });
        const plan: PlannedRequest[] = Array.from({ length: 20 }, () => ({ status: 200, newConnection: false }));
        const { pid } = await runClientWithPid('ks-recover-c', '127.0.0.1', server.port, plan);
        await flood.settle();
        expect(flood.transactions.filter((t) => t.pid === pid && t.side === 'client')).toHaveLength(20);
        expect(flood.capture.stats().ringDrops).toBe(afterFlood.ringDrops);
      } finally {
        server.child.kill('SIGTERM');
      }
    } finally {
      flood.close();
    }
  }, 60_000);
});
