/**
 * Kernel test (real eBPF, as root): real clients make an exact number of calls, and the agent's capture +
 * reassembly + parse stages must report exactly that many transactions, with the outcomes the clients saw.
 * HTTP/1 keep-alive and new connections, pipelined HTTP/1, DNS over UDP (sendto/recvfrom and
 * sendmsg/recvmsg), Redis at 127.0.0.1:6379 and PostgreSQL at 127.0.0.1:5432.
 */
import { createRequire } from 'node:module';
import { protocolModule } from '@kinsight/protocol-parsers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObservedTransaction } from './pipeline/connections.js';
import { PG_CLIENT, PIPELINED_HTTP_CLIENT, REDIS_CLIENT, UDP_DNS_PAIR } from './testing/clients.js';
import { type CaptureRun, kernelSupport, mustRunKernelTests, node, python, startCapture } from './testing/kernel-harness.js';
import { type PlannedRequest, runClientWithPid, startServer } from './testing/traffic.js';

const outcomeOf = (t: ObservedTransaction) => protocolModule(t.protocol).outcome(t.tx);

describe.runIf(mustRunKernelTests)('exact counts from the kernel, per protocol', () => {
  let run: CaptureRun;

  beforeAll(() => {
    expect(kernelSupport).toEqual({ ok: true });
    run = startCapture();
  });

  afterAll(() => run?.close());

  /** The client-side transactions of one process, after the ring handed over everything. */
  async function clientSideOf(pid: number): Promise<ObservedTransaction[]> {
    await run.settle();
    return run.transactions.filter((t) => t.pid === pid && t.side === 'client');
  }

  it('HTTP/1: N requests over keep-alive and N over new connections', async () => {
    const server = await startServer('ks-exact-srv');
    try {
      const plan: PlannedRequest[] = Array.from({ length: 40 }, (_, i) => ({ status: [200, 404, 503, 201][i % 4] ?? 200, newConnection: i % 2 === 1 }));
      const { pid, seen } = await runClientWithPid('ks-exact-cli', '127.0.0.1', server.port, plan);
      expect(seen).toEqual(plan.map((p) => p.status));
      const txs = await clientSideOf(pid);
      expect(txs.map((t) => [t.protocol, outcomeOf(t).operation, outcomeOf(t).status])).toEqual(plan.map((p) => ['http1', 'GET', String(p.status)]));
      // 20 calls shared one connection, the other 20 had one each.
      expect(new Set(txs.map((t) => t.local.port)).size).toBe(21);
      // The server side saw the same calls.
      const serverSide = run.transactions.filter((t) => t.pid === server.pid && t.side === 'server');
      expect(serverSide.map((t) => outcomeOf(t).status)).toEqual(plan.map((p) => String(p.status)));
    } finally {
      server.child.kill('SIGTERM');
    }
  }, 60_000);

  it('HTTP/1: N pipelined requests written at once', async () => {
    const server = await startServer('ks-pipe-srv');
    try {
      const N = 25;
      const { pid, stdout } = await node(PIPELINED_HTTP_CLIENT, String(server.port), String(N));
      const statuses = JSON.parse(stdout) as number[];
      expect(statuses).toEqual(Array.from({ length: N }, (_, i) => (i % 2 ? 404 : 200)));
      const txs = await clientSideOf(pid);
      expect(txs.map((t) => outcomeOf(t).status)).toEqual(statuses.map(String));
    } finally {
      server.child.kill('SIGTERM');
    }
  }, 60_000);

  it('DNS over UDP: N queries, NXDOMAIN where the server said so', async () => {
    const N = 30;
    const { pid, stdout } = await python(UDP_DNS_PAIR, String(N));
    const { port, rcodes } = JSON.parse(stdout) as { port: number; rcodes: number[] };
    const txs = await clientSideOf(pid);
    expect(txs.map((t) => [t.protocol, t.transport, t.remote.port, outcomeOf(t).status])).toEqual(
      rcodes.map((rcode) => ['dns', 'udp', port, rcode === 3 ? 'NXDOMAIN' : 'NOERROR']),
    );
    const serverSide = run.transactions.filter((t) => t.pid === pid && t.side === 'server');
    expect(serverSide).toHaveLength(N);
  }, 60_000);

  it('Redis: N commands against the server on 127.0.0.1:6379', async () => {
    const N = 40;
    const { pid, stdout } = await node(REDIS_CLIENT, String(N));
    const { replies, commands } = JSON.parse(stdout) as { replies: string[]; commands: string[] };
    expect(replies).toHaveLength(N);
    const txs = await clientSideOf(pid);
    expect(txs.map((t) => [t.protocol, outcomeOf(t).operation.toUpperCase(), outcomeOf(t).error])).toEqual(
      commands.map((c, i) => ['redis', c, replies[i] === '-']),
    );
  }, 60_000);

  it('PostgreSQL: N simple queries against 127.0.0.1:5432', async () => {
    const N = 20;
    const pgPath = createRequire(import.meta.url).resolve('pg');
    const { pid, stdout } = await node(PG_CLIENT, String(N), pgPath);
    const outcomes = JSON.parse(stdout) as string[];
    const queries = (await clientSideOf(pid)).filter((t) => t.tx.protocol === 'pgsql' && t.tx.request.type === 'Query');
    expect(queries.map((t) => [outcomeOf(t).operation, outcomeOf(t).error])).toEqual(outcomes.map((o) => ['SELECT', o !== 'ok']));
  }, 60_000);

  it('lost nothing on the way', () => {
    expect(run.capture.stats()).toMatchObject({ ringDrops: 0, decodeErrors: 0, droppedBatches: 0 });
  });
});
