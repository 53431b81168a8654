import { randomUUID } from 'node:crypto';
import { emptyLatencyHistogram, latencyBucketIndex } from '@kinsight/topology';
import { type Database } from '../db/client.js';
import { createCaller } from '../root.js';
import { type EdgeSampleInput, type EndpointSampleInput, type IngestBatchInput, type ResourceSampleInput } from '../routers/ingest-schema.js';
import { testContext } from '../testing/fixtures.js';
import { type Clock } from '../trpc.js';
import { STEP_MS } from './frame.js';

/**
 * Test scenario for the Insights runner, sent through the real `ingest.batch` path by two agents:
 * node-a runs `gateway` (called by the external client 10.1.0.1), node-b runs `product` and
 * `inventory`. gateway → product crosses nodes, so node-a reports the client view (what gateway
 * waits) and node-b the server view (product's own time); product → inventory stays on node-b.
 */

/** One bucket's levels; latencies in ms, cpu in cores. */
export interface Levels {
  /** gateway's own inbound latency (10.1.0.1 → gateway, seen by node-a) */
  gatewayMs: number;
  /** gateway → product as gateway waits it (node-a, includes the network) */
  callMs: number;
  /** product's own time for those calls (node-b) */
  productMs: number;
  inventoryMs: number;
  retransmits: number;
  srttMs: number;
  gatewayCpu: number;
  productCpu: number;
  nodeBCpu: number;
  requests: number;
}

export const HEALTHY: Levels = {
  gatewayMs: 60, callMs: 40, productMs: 36, inventoryMs: 12, retransmits: 0, srttMs: 0.3,
  gatewayCpu: 0.3, productCpu: 0.2, nodeBCpu: 0.5, requests: 100,
};

/** The reference incident: the gateway→product network degrades; product itself is fine. */
export const NETWORK_FAULT: Partial<Levels> = { gatewayMs: 420, callMs: 400, retransmits: 30, srttMs: 5 };
/** Product runs out of CPU: its own time grows, the gateway waits for it, the network is fine. */
export const CPU_FAULT: Partial<Levels> = { gatewayMs: 330, callMs: 310, productMs: 300, productCpu: 0.95, nodeBCpu: 1.2 };

const UID = { gateway: '00000000-0000-4000-8000-00000000000a', product: '00000000-0000-4000-8000-00000000000b', inventory: '00000000-0000-4000-8000-00000000000c' };
const svc = (name: string) => ({ kind: 'service', name }) as const;
const client = { kind: 'external', address: '10.1.0.1' } as const;

/** Deterministic ±3 % wiggle so robust spreads are not zero and nothing is random. */
const wiggle = (i: number, phase: number) => 1 + 0.03 * Math.sin(i * 1.7 + phase);

/** `requests` calls spread evenly over 0.5–1.5 × the mean: the histogram counts exactly the requests. */
function red(meanMs: number, requests: number) {
  const histogram = emptyLatencyHistogram();
  let sum = 0;
  let max = 0;
  for (let j = 0; j < requests; j++) {
    const latency = meanMs * (0.5 + j / Math.max(1, requests - 1));
    sum += latency;
    max = Math.max(max, latency);
    const index = latencyBucketIndex(latency);
    histogram[index] = (histogram[index] ?? 0) + 1;
  }
  return { requests, errors: 0, latencySumMs: sum, latencyMaxMs: max, latencyHistogram: histogram };
}

function edgeRow(bucketStart: number, from: EdgeSampleInput['client'], to: EdgeSampleInput['server'], meanMs: number, requests: number): EdgeSampleInput {
  return { bucketStart, bucketSeconds: 10, client: from, server: to, protocol: 'http1', method: 'GET', statusClass: '2xx', ...red(meanMs, requests) };
}

const pod = (service: keyof typeof UID, node: string) => ({
  uid: UID[service], namespace: 'shop', name: `${service}-0`, workload: { kind: 'Deployment' as const, name: service }, service, node,
  labels: {}, startedAt: Date.UTC(2025, 0, 1),
});

function endpointRow(bucketStart: number, server: EndpointSampleInput['server'], route: string, meanMs: number, requests: number): EndpointSampleInput {
  return { bucketStart, bucketSeconds: 10, server, route, protocol: 'http1', method: 'GET', statusClass: '2xx', ...red(meanMs, requests) };
}

const resource = (bucketStart: number, node: string, entity: ResourceSampleInput['entity'], cores: number, memory: number): ResourceSampleInput => ({
  bucketStart, bucketSeconds: 10 as const, node, entity, cpuSeconds: cores * 10, throttledSeconds: 0,
  memoryBytesSum: memory * 2, memoryBytesMax: memory, memorySamples: 2,
});

/** The two agents' batches for buckets [from, from + count × 10 s), levels per bucket index. */
export function scenarioBatches(from: number, count: number, levelsAt: (i: number) => Levels): IngestBatchInput[] {
  const a: Required<Pick<IngestBatchInput, 'edges' | 'endpoints' | 'network' | 'resources'>> = { edges: [], endpoints: [], network: [], resources: [] };
  const b: Required<Pick<IngestBatchInput, 'edges' | 'endpoints' | 'resources'>> = { edges: [], endpoints: [], resources: [] };
  for (let n = 0; n < count; n++) {
    const ts = from + n * STEP_MS;
    const i = Math.round(ts / STEP_MS);
    const l = levelsAt(n);
    const requests = Math.round(l.requests * wiggle(i, 0.3));
    a.edges.push(edgeRow(ts, client, svc('gateway'), l.gatewayMs * wiggle(i, 1), requests));
    a.edges.push(edgeRow(ts, svc('gateway'), svc('product'), l.callMs * wiggle(i, 2), requests));
    a.endpoints.push(endpointRow(ts, svc('gateway'), '/api/products', l.gatewayMs * wiggle(i, 1), requests));
    a.network.push({
      bucketStart: ts, bucketSeconds: 10, client: svc('gateway'), server: svc('product'), connects: 0, failedConnects: 0, resets: 0,
      retransmits: Math.round(l.retransmits + (i % 2)), srttSumUs: Math.round(l.srttMs * 1000 * wiggle(i, 3)) * 50, srttSamples: 50,
      bytesSent: 50_000, bytesReceived: 200_000, packetsSent: 400, packetsReceived: 600,
    });
    a.resources.push(resource(ts, 'node-a', { kind: 'pod', uid: UID.gateway }, l.gatewayCpu * wiggle(i, 4), 2e8));
    a.resources.push(resource(ts, 'node-a', { kind: 'node' }, 0.8 * wiggle(i, 5), 4e9));
    b.edges.push(edgeRow(ts, svc('gateway'), svc('product'), l.productMs * wiggle(i, 6), requests));
    b.edges.push(edgeRow(ts, svc('product'), svc('inventory'), l.inventoryMs * wiggle(i, 7), requests));
    b.endpoints.push(endpointRow(ts, svc('product'), '/products/{id}', l.productMs * wiggle(i, 6), requests));
    b.resources.push(resource(ts, 'node-b', { kind: 'pod', uid: UID.product }, l.productCpu * wiggle(i, 8), 3e8));
    b.resources.push(resource(ts, 'node-b', { kind: 'pod', uid: UID.inventory }, 0.1 * wiggle(i, 9), 1e8));
    b.resources.push(resource(ts, 'node-b', { kind: 'node' }, l.nodeBCpu * wiggle(i, 10), 6e9));
  }
  const agent = (id: string) => ({ id, hostname: id, version: '0.1.0' });
  return [
    { batchId: randomUUID(), agent: agent('node-a'), sentAt: from, ...a, pods: [pod('gateway', 'node-a')] },
    { batchId: randomUUID(), agent: agent('node-b'), sentAt: from, ...b, pods: [pod('product', 'node-b'), pod('inventory', 'node-b')] },
  ];
}

/** A clock tests move by hand; the ingest caller and the runner share it. */
export class ManualClock implements Clock {
  constructor(private at: number) {}
  now(): number {
    return this.at;
  }
  set(at: number): void {
    this.at = at;
  }
}

/** Sends the scenario's buckets through `ingest.batch` (the agent token must be registered). */
export async function ingestScenario(db: Database, clock: Clock, from: number, count: number, levelsAt: (i: number) => Levels): Promise<void> {
  const caller = createCaller(testContext(db, { inner: { clock } }));
  for (const batch of scenarioBatches(from, count, levelsAt)) await caller.ingest.batch(batch);
}
