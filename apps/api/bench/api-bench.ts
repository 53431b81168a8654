/**
 * The API benchmark (issue 5): ingest rows/s through the real ingest.batch HTTP path beside a raw
 * COPY of the same rows, then topology and metrics latency over 1 h × 1,000 services × 5,000 edges
 * at 10 s. Needs PostgreSQL in DATABASE_URL; each run uses throwaway databases.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pino } from 'pino';
import { registerAgentToken } from '../src/agent-tokens.js';
import { createSession, createUser } from '../src/auth.js';
import { IngestLimiter } from '../src/backpressure.js';
import { createDatabase, type DatabaseHandle } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { ensureDailyPartitions } from '../src/db/partitions.js';
import { rollUpNewBatches } from '../src/db/rollup.js';
import { readEnv } from '../src/env.js';
import { createCaller } from '../src/root.js';
import { createInnerContext, startApiServer } from '../src/server.js';
import { BUCKET_MS, EDGE_PAIRS, bucketRows, copyLines } from './data.js';

export interface BenchFigure {
  bench: 'api';
  name: string;
  value: number;
  unit: string;
  goal: number | null;
  better: 'higher' | 'lower';
}

const TOKEN = 'bench-agent-token';
const CONCURRENCY = 4;
const QUERY_RUNS = 40;

async function throwaway(serverUrl: string): Promise<{ handle: DatabaseHandle; url: string; drop(): Promise<void> }> {
  const name = `kinsight_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ kind: 'postgres', url: url.toString(), maxConnections: CONCURRENCY + 2 });
  await runMigrations(handle);
  return {
    handle,
    url: url.toString(),
    drop: async () => {
      await handle.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function copyRowsPerSecond(serverUrl: string, buckets: number[], firstBucket: number, rows: number): Promise<number> {
  const copyDb = await throwaway(serverUrl);
  try {
    await ensureDailyPartitions(copyDb.handle.db, firstBucket, 2);
    const client = new pg.Client({ connectionString: copyDb.url });
    await client.connect();
    try {
      const copyMs = await timed(async () => {
        const stream = client.query(copyFrom('COPY edge_samples FROM STDIN'));
        const chunks = (function* () {
          for (const bucket of buckets) yield copyLines(bucketRows(bucket), 'bench', randomUUID());
        })();
        await pipeline(Readable.from(chunks), stream);
      });
      return rows / (copyMs / 1000);
    } finally {
      await client.end();
    }
  } finally {
    await copyDb.drop();
  }
}

export async function* apiBench(): AsyncIterable<BenchFigure> {
  const { DATABASE_URL } = readEnv();
  if (!DATABASE_URL) throw new Error('api bench: set DATABASE_URL to a PostgreSQL server (the bench creates and drops its own databases)');
  const minutes = Number(process.env['KINSIGHT_BENCH_MINUTES'] ?? 60);
  const now = Date.now();
  const end = Math.floor(now / BUCKET_MS) * BUCKET_MS;
  const buckets = Array.from({ length: (minutes * 60_000) / BUCKET_MS }, (_, i) => end - (i + 1) * BUCKET_MS).reverse();
  const rows = buckets.length * EDGE_PAIRS.length;
  const log = pino({ level: 'silent' });

  // 1. COPY: the physical limit, into the same partitioned table and indexes.
  const copyRate = await copyRowsPerSecond(DATABASE_URL, buckets, end - minutes * 60_000, rows);
  yield { bench: 'api', name: 'copy_rows_per_s', value: Math.round(copyRate), unit: 'rows/s', goal: null, better: 'higher' };

  // 2. Ingest through HTTP: JSON, zod, the token check, one transaction per batch.
  const db = await throwaway(DATABASE_URL);
  try {
    await ensureDailyPartitions(db.handle.db, end - minutes * 60_000, 2);
    await registerAgentToken(db.handle.db, 'bench', TOKEN);
    const inner = createInnerContext({
      db: db.handle.db, clock: { now: () => Date.now() }, log,
      ingestLimiter: new IngestLimiter({ maxInFlight: CONCURRENCY, maxPoolWaiting: 16, retryAfterSeconds: 1, poolWaiting: () => 0 }),
    });
    const api = await startApiServer(inner, '127.0.0.1', 0);
    try {
      const bodies = buckets.map((bucket) =>
        JSON.stringify({ batchId: randomUUID(), agent: { id: 'bench', hostname: 'bench', version: 'bench' }, sentAt: now, edges: bucketRows(bucket) }),
      );
      let next = 0;
      const ingestMs = await timed(() =>
        Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            for (let i = next++; i < bodies.length; i = next++) {
              const response = await fetch(`${api.url}/trpc/ingest.batch`, {
                method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: bodies[i],
              });
              if (!response.ok) throw new Error(`api bench: ingest answered ${response.status}: ${await response.text()}`);
            }
          }),
        ),
      );
      const ingestRate = rows / (ingestMs / 1000);
      yield { bench: 'api', name: 'ingest_rows_per_s', value: Math.round(ingestRate), unit: 'rows/s', goal: null, better: 'higher' };
      yield { bench: 'api', name: 'ingest_vs_copy', value: Number((ingestRate / copyRate).toFixed(3)), unit: 'ratio', goal: 0.5, better: 'higher' };
    } finally {
      await api.close();
    }

    // 3. Queries over the hour, after the rollup job ran as it does every minute in production.
    await rollUpNewBatches(db.handle.db, Date.now());
    await db.handle.db.execute(sql`analyze`);
    const user = await createUser(db.handle.db, 'bench', 'bench password 1', 'viewer');
    const session = await createSession(db.handle.db, user.id, Date.now());
    const caller = createCaller({
      ...createInnerContext({ db: db.handle.db, clock: { now: () => Date.now() }, log }),
      agentToken: null, sessionToken: session, csrfHeader: false, clientAddress: 'bench', setCookie: () => undefined,
    });
    const window = { from: end - minutes * 60_000, to: end };
    const topology: number[] = [];
    for (let i = 0; i < QUERY_RUNS; i++) topology.push(await timed(() => caller.topology.get(window)));
    yield { bench: 'api', name: 'topology_p50_ms', value: Number(percentile(topology, 0.5).toFixed(1)), unit: 'ms', goal: null, better: 'lower' };
    yield { bench: 'api', name: 'topology_p95_ms', value: Number(percentile(topology, 0.95).toFixed(1)), unit: 'ms', goal: 300, better: 'lower' };
    const metrics: number[] = [];
    for (let i = 0; i < QUERY_RUNS; i++) {
      const pair = EDGE_PAIRS[(i * 977) % EDGE_PAIRS.length];
      if (!pair) continue;
      const target = { kind: 'edge' as const, source: `service:${pair.client}`, target: `service:${pair.server}` };
      metrics.push(await timed(() => caller.metrics.series({ target, ...window })));
    }
    yield { bench: 'api', name: 'metrics_p50_ms', value: Number(percentile(metrics, 0.5).toFixed(1)), unit: 'ms', goal: null, better: 'lower' };
    yield { bench: 'api', name: 'metrics_p95_ms', value: Number(percentile(metrics, 0.95).toFixed(1)), unit: 'ms', goal: 300, better: 'lower' };
  } finally {
    await db.drop();
  }
}
