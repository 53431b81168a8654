/**
 * What the e2e stack is seeded with, sent through the real `ingest.batch`.
 * Specs import these numbers so their assertions and the seed cannot drift.
 */
import { randomUUID } from 'node:crypto';

export const BUCKET_MS = 10_000;
/** Ten-second buckets ending at the last complete bucket before seeding: two minutes. */
export const SEED_BUCKETS = 12;

export const GATEWAY_TO_PRODUCT = {
  client: 'gateway',
  server: 'product',
  /** per bucket */
  ok: 50,
  /** per bucket, all counted as errors */
  serverErrors: 5,
  latencyMs: 12,
} as const;

export const PRODUCT_TO_INVENTORY = {
  client: 'product',
  server: 'inventory',
  ok: 30,
  serverErrors: 0,
  latencyMs: 4,
} as const;

interface SeedEdge {
  client: string;
  server: string;
  ok: number;
  serverErrors: number;
  latencyMs: number;
}

function edgeSamples(edge: SeedEdge, bucketStart: number) {
  const sample = (statusClass: '2xx' | '5xx', requests: number, errors: number) => ({
    bucketStart,
    bucketSeconds: BUCKET_MS / 1000,
    client: { kind: 'service', name: edge.client },
    server: { kind: 'service', name: edge.server },
    protocol: 'http1',
    method: 'GET',
    statusClass,
    requests,
    errors,
    latencySumMs: requests * edge.latencyMs,
    latencyMaxMs: edge.latencyMs,
  });
  const samples = [sample('2xx', edge.ok, 0)];
  if (edge.serverErrors > 0) samples.push(sample('5xx', edge.serverErrors, edge.serverErrors));
  return samples;
}

export function seedBatch(now: number) {
  const lastComplete = Math.floor(now / BUCKET_MS) * BUCKET_MS - BUCKET_MS;
  const buckets = Array.from({ length: SEED_BUCKETS }, (_, i) => lastComplete - i * BUCKET_MS);
  return {
    batchId: randomUUID(),
    agent: { id: 'e2e-seed', hostname: 'e2e', version: '0.0.0-e2e' },
    sentAt: now,
    edges: buckets.flatMap((bucket) => [
      ...edgeSamples(GATEWAY_TO_PRODUCT, bucket),
      ...edgeSamples(PRODUCT_TO_INVENTORY, bucket),
    ]),
  };
}

/** Sends the seed through the API's real ingestion endpoint. */
export async function seedThroughApi(apiUrl: string, agentToken: string, now = Date.now()): Promise<void> {
  const response = await fetch(`${apiUrl}/trpc/ingest.batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
    body: JSON.stringify(seedBatch(now)),
  });
  if (!response.ok) {
    throw new Error(`e2e seed: ingest.batch answered ${response.status}: ${await response.text()}`);
  }
}

/**
 * The Insights reference case (its own stack: specs/insights.spec.ts): loadgen → gateway → product →
 * inventory, a healthy baseline, then the last minute of buckets with the gateway → product call
 * slow on the network — its latency, TCP retransmits and smoothed RTT rise together — so gateway's
 * latency rises while inventory stays as it was.
 */
export const INSIGHTS_CASE = {
  /** 5 minutes of normal traffic: well past the detector's 12-point minimum baseline */
  baselineBuckets: 30,
  /** 1 minute of the incident: the detector confirms on 3 of 5 abnormal points */
  incidentBuckets: 6,
  /** buckets end this many buckets before seeding, so the runner's 20 s settle delay is already over */
  endGapBuckets: 2,
  calls: [
    { client: 'loadgen', server: 'gateway', requests: 60, baselineMs: 20, incidentMs: 175 },
    { client: 'gateway', server: 'product', requests: 50, baselineMs: 12, incidentMs: 160 },
    { client: 'product', server: 'inventory', requests: 30, baselineMs: 4, incidentMs: 4 },
  ],
  network: [
    { client: 'gateway', server: 'product', baselineRetransmits: 1, incidentRetransmits: 36, baselineSrttUs: 400, incidentSrttUs: 6_000 },
    { client: 'product', server: 'inventory', baselineRetransmits: 0, incidentRetransmits: 0, baselineSrttUs: 300, incidentSrttUs: 300 },
  ],
} as const;

/** Deterministic ±3 % so the baseline has a spread (a flat line would make every wiggle an outlier). */
const wiggle = (level: number, i: number, phase: number) => level * (1 + 0.03 * Math.sin(i * 1.7 + phase));

export function insightsCaseBatch(now: number) {
  const c = INSIGHTS_CASE;
  const total = c.baselineBuckets + c.incidentBuckets;
  const last = Math.floor(now / BUCKET_MS) * BUCKET_MS - (1 + c.endGapBuckets) * BUCKET_MS;
  const buckets = Array.from({ length: total }, (_, i) => ({ start: last - (total - 1 - i) * BUCKET_MS, i, incident: i >= c.baselineBuckets }));
  const service = (name: string) => ({ kind: 'service', name });
  return {
    batchId: randomUUID(),
    agent: { id: 'e2e-insights-seed', hostname: 'e2e-insights', version: '0.0.0-e2e' },
    sentAt: now,
    edges: buckets.flatMap(({ start, i, incident }) =>
      c.calls.map((call, k) => {
        const latencyMs = Math.round(wiggle(incident ? call.incidentMs : call.baselineMs, i, k) * 100) / 100;
        return {
          bucketStart: start,
          bucketSeconds: BUCKET_MS / 1000,
          client: service(call.client),
          server: service(call.server),
          protocol: 'http1',
          method: 'GET',
          statusClass: '2xx',
          requests: call.requests,
          errors: 0,
          latencySumMs: Math.round(call.requests * latencyMs * 100) / 100,
          latencyMaxMs: Math.round(latencyMs * 1.5 * 100) / 100,
        };
      }),
    ),
    network: buckets.flatMap(({ start, i, incident }) =>
      c.network.map((n, k) => {
        const srttUs = Math.round(wiggle(incident ? n.incidentSrttUs : n.baselineSrttUs, i, k + 3));
        return {
          bucketStart: start,
          bucketSeconds: BUCKET_MS / 1000,
          client: service(n.client),
          server: service(n.server),
          connects: 2,
          failedConnects: 0,
          resets: 0,
          // Alternating 0/1 and ±4 keeps the counts integral and still spread.
          retransmits: (incident ? n.incidentRetransmits : n.baselineRetransmits) + (i % 2 === 0 ? 0 : incident ? 4 : -Math.min(1, n.baselineRetransmits)),
          srttSumUs: srttUs * 20,
          srttSamples: 20,
          bytesSent: 40_000,
          bytesReceived: 120_000,
          packetsSent: 60,
          packetsReceived: 110,
        };
      }),
    ),
  };
}

/** Sends the Insights reference case through the API's real ingestion endpoint. */
export async function seedInsightsCase(apiUrl: string, agentToken: string, now = Date.now()): Promise<void> {
  const response = await fetch(`${apiUrl}/trpc/ingest.batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
    body: JSON.stringify(insightsCaseBatch(now)),
  });
  if (!response.ok) {
    throw new Error(`e2e insights seed: ingest.batch answered ${response.status}: ${await response.text()}`);
  }
}
