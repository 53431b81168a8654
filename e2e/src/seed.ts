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
