/**
 * Kernel test (real eBPF, as root): real HTTP traffic between two processes on loopback, the agent in this
 * process capturing it, a real API + database receiving the batches. The stored edge must hold exactly the
 * requests the client made, with the status classes the client saw — equal, not "more than zero".
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from './agent.js';
import { checkKernelSupport } from './capture/index.js';
import { type RunningApi, startApi, trpcQuery } from './testing/api-process.js';
import { type PlannedRequest, runClient, startServer } from './testing/traffic.js';

interface EdgeView {
  source: string;
  target: string;
  metrics: { requests: number; errors: number; meanLatencyMs: number | null };
  statusClasses: Record<string, number>;
}

const support = checkKernelSupport();

describe('agent → API, exact counts from the kernel', () => {
  let api: RunningApi;

  beforeAll(async () => {
    // In CI a kernel test that cannot run fails; it never skips.
    expect(support, 'eBPF capture must be able to run for kernel tests').toEqual({ ok: true });
    api = await startApi();
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
  });

  it.each([
    { family: 'IPv4', host: '127.0.0.1' },
    { family: 'IPv6', host: '::1' },
  ])('stores exactly N requests with their status classes ($family)', async ({ host, family }) => {
    const suffix = family.toLowerCase();
    const server = await startServer(`kt-srv-${suffix}`, host);
    const agent = new Agent({ log: pino({ level: 'warn' }), api: { url: api.url, token: api.token, agentId: `kernel-test-${suffix}` } });
    const from = Date.now() - 60_000;
    try {
      agent.start();
      const plan: PlannedRequest[] = [
        ...Array.from({ length: 12 }, () => ({ status: 200, newConnection: false })),
        ...Array.from({ length: 5 }, () => ({ status: 404, newConnection: true })),
        ...Array.from({ length: 3 }, () => ({ status: 500, newConnection: false })),
        { status: 201, newConnection: true },
      ];
      const seen = await runClient(`kt-cli-${suffix}`, host, server.port, plan);
      expect(seen).toEqual(plan.map((p) => p.status));
      // Let the native drain thread hand over the last records before detaching.
      await new Promise((r) => setTimeout(r, 500));
      const { delivered } = await agent.stop();
      expect(delivered).toBe(true);
      // Every batch — edges, endpoints, network, resources and log sections — was accepted as well-formed.
      expect(agent.senderStats).toMatchObject({ rejected: 0, dropped: 0 });

      const topology = await trpcQuery<{ edges: EdgeView[] }>(api.url, 'topology.get', { from, to: Date.now() + 60_000 }, api.cookie);
      const edges = topology.edges.filter((e) => e.source === `service:kt-cli-${suffix}`);
      expect(edges.map((e) => e.target)).toEqual([`service:kt-srv-${suffix}:${server.port}`]);
      const [edge] = edges;
      expect(edge?.metrics.requests).toBe(plan.length);
      expect(edge?.metrics.errors).toBe(3);
      // HTTP calls fill the HTTP classes only; ok/client_error/server_error are the other protocols' classes.
      expect(edge?.statusClasses).toEqual({ '1xx': 0, '2xx': 13, '3xx': 0, '4xx': 5, '5xx': 3, ok: 0, client_error: 0, server_error: 0, other: 0 });
      expect(edge?.metrics.meanLatencyMs).toBeGreaterThan(0);
      // The server saw the same calls; they must not be counted a second time from its side.
      expect(topology.edges.filter((e) => e.target === `service:kt-srv-${suffix}:${server.port}`)).toHaveLength(1);
    } finally {
      await agent.stop(1_000).catch(() => undefined);
      server.child.kill('SIGTERM');
    }
  }, 60_000);
});
