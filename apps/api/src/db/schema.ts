import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export * from './schema-auth.js';
export * from './schema-entities.js';
export * from './schema-series.js';

/**
 * Single source of truth for storage. The series tables (edge_samples and schema-series.ts) are
 * partitioned by day on bucket_start (migration 0002), so none has a primary or foreign key.
 */

export const agentTokens = pgTable('agent_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** hex sha256 of the bearer token; the token itself is never stored */
  tokenSha256: text('token_sha256').notNull().unique(),
  /** the admin who created it; null for KINSIGHT_AGENT_TOKEN */
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** One row per accepted batch: the idempotency ledger. */
export const ingestBatches = pgTable('ingest_batches', {
  batchId: uuid('batch_id').primaryKey(),
  agentId: text('agent_id').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  edgeRows: integer('edge_rows').notNull(),
  /** rows of every section; the rollup job recomputes from the earliest bucket a new batch touched */
  totalRows: integer('total_rows').notNull().default(0),
  minBucketStart: timestamp('min_bucket_start', { withTimezone: true }),
}, (t) => [index('ingest_batches_received_idx').on(t.receivedAt)]);

/** Calls from a client to a server in one time bucket, as one agent saw them. */
export const edgeSamples = pgTable(
  'edge_samples',
  {
    bucketStart: timestamp('bucket_start', { withTimezone: true }).notNull(),
    bucketSeconds: integer('bucket_seconds').notNull(),
    clientKind: text('client_kind').notNull(),
    /** service name or external address, by client_kind */
    clientName: text('client_name').notNull(),
    serverKind: text('server_kind').notNull(),
    serverName: text('server_name').notNull(),
    protocol: text('protocol').notNull(),
    method: text('method').notNull(),
    statusClass: text('status_class').notNull(),
    requests: integer('requests').notNull(),
    errors: integer('errors').notNull(),
    latencySumMs: doublePrecision('latency_sum_ms').notNull(),
    latencyMaxMs: doublePrecision('latency_max_ms').notNull(),
    agentId: text('agent_id').notNull(),
    batchId: uuid('batch_id').notNull(),
    /** counts per LATENCY_BUCKET_BOUNDS_MS bucket (libs/topology); null from agents that send none */
    latencyHistogram: bigint('latency_histogram', { mode: 'number' }).array(),
  },
  (t) => [
    index('edge_samples_bucket_start_idx').on(t.bucketStart),
    index('edge_samples_edge_bucket_idx').on(t.clientKind, t.clientName, t.serverKind, t.serverName, t.bucketStart),
    check('edge_samples_counts_check', sql`${t.requests} >= 1 and ${t.errors} >= 0 and ${t.errors} <= ${t.requests}`),
    check('edge_samples_kinds_check', sql`${t.clientKind} in ('service', 'external') and ${t.serverKind} in ('service', 'external')`),
  ],
);
