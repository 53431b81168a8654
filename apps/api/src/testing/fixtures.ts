import { randomUUID } from 'node:crypto';
import { count } from 'drizzle-orm';
import { pino } from 'pino';
import { registerAgentToken } from '../agent-tokens.js';
import { createSession, createUser } from '../auth.js';
import { type Database } from '../db/client.js';
import { type Role } from '../db/schema.js';
import { edgeSamples, ingestBatches } from '../db/schema.js';
import { createCaller } from '../root.js';
import { type EdgeSampleInput, type IngestBatchInput } from '../routers/ingest-schema.js';
import { createInnerContext } from '../server.js';
import { type Clock, type Context, type InnerContext } from '../trpc.js';

/** 2025-01-01T12:00:00Z: every test runs at this instant. */
export const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
export const fixedClock: Clock = { now: () => NOW };
export const silentLog = pino({ level: 'silent' });

export const AGENT_TOKEN = 'kinsight-test-agent-token';

export function testInner(db: Database, overrides: Partial<InnerContext> = {}): InnerContext {
  return createInnerContext({ db, clock: fixedClock, log: silentLog, ...overrides });
}

export interface CallerOptions {
  agentToken?: string | null;
  sessionToken?: string | null;
  /** the x-kinsight-csrf header; browsers on our origin send it, other sites cannot */
  csrfHeader?: boolean;
  inner?: Partial<InnerContext>;
  /** receives Set-Cookie values */
  cookies?: string[];
}

export function testContext(db: Database, options: CallerOptions = {}): Context {
  return {
    ...testInner(db, options.inner),
    agentToken: options.agentToken === undefined ? AGENT_TOKEN : options.agentToken,
    sessionToken: options.sessionToken ?? null,
    csrfHeader: options.csrfHeader ?? true,
    clientAddress: '127.0.0.1',
    setCookie: (cookie) => void options.cookies?.push(cookie),
  };
}

/** An agent's caller: the agent token, no session. */
export function callerFor(db: Database, agentToken: string | null = AGENT_TOKEN) {
  return createCaller(testContext(db, { agentToken }));
}

/** Creates a user with `role` (password `correct horse battery`) and a session for it. */
export async function signedInAs(db: Database, role: Role, username: string = role): Promise<string> {
  const user = await createUser(db, username, 'correct horse battery', role);
  return createSession(db, user.id, NOW);
}

/** A dashboard caller signed in with a fresh user of `role`. */
export async function userCaller(db: Database, role: Role = 'viewer', options: CallerOptions = {}) {
  const sessionToken = await signedInAs(db, role);
  return createCaller(testContext(db, { agentToken: null, ...options, sessionToken }));
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
