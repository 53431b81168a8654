import { randomUUID } from 'node:crypto';
import { count } from 'drizzle-orm';
import { pino } from 'pino';
import { registerAgentToken } from '../agent-tokens.js';
import { type Database } from '../db/client.js';
import { edgeSamples, ingestBatches } from '../db/schema.js';
import { createCaller } from '../root.js';
import { type EdgeSampleInput, type IngestBatchInput } from '../routers/ingest-schema.js';
import { type Clock, type Context } from '../trpc.js';

/** 2025-01-01T12:00:00Z: every test runs at this instant. */
export const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
export const fixedClock: Clock = { now: () => NOW };
export const silentLog = pino({ level: 'silent' });

export const AGENT_TOKEN = 'kinsight-test-agent-token';

export function testContext(db: Database, agentToken: string | null = AGENT_TOKEN): Context {
  return { db, clock: fixedClock, log: silentLog, agentToken };
}

export function callerFor(db: Database, agentToken: string | null = AGENT_TOKEN) {
  return createCaller(testContext(db, agentToken));
}

export async function seedAgentToken(db: Database, token = AGENT_TOKEN): Promise<void> {
  await registerAgentToken(db, 'test', token);
}

export function edge(overrides: Partial<EdgeSampleInput> = {}): EdgeSampleInput {
  return {
    bucketStart: NOW - 60_000,
    bucketSeconds: 10,
    client: { kind: 'service', name: 'frontend' },
    server: { kind: 'service', name: 'checkout' },
    protocol: 'http1',
    method: 'GET',
    statusClass: '2xx',
    requests: 10,
    errors: 0,
    latencySumMs: 120,
    latencyMaxMs: 30,
    ...overrides,
  };
}

export function batch(edges: EdgeSampleInput[] = [edge()], overrides: Partial<IngestBatchInput> = {}): IngestBatchInput {
  return {
    batchId: randomUUID(),
    agent: { id: 'node-a', hostname: 'node-a.cluster.local', version: '0.1.0' },
    sentAt: NOW,
    edges,
    ...overrides,
  };
}

export async function countRows(db: Database): Promise<{ batches: number; samples: number }> {
  const [batches] = await db.select({ n: count() }).from(ingestBatches);
  const [samples] = await db.select({ n: count() }).from(edgeSamples);
  return { batches: batches?.n ?? -1, samples: samples?.n ?? -1 };
}
