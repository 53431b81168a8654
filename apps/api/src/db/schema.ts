import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Single source of truth for storage. Later work (issue "API and storage") partitions
 * edge_samples by bucket_start and adds rollups, histograms and users; nothing here
 * should make that harder: no primary key or foreign key on edge_samples yet, because a
 * partitioned table needs the partition key in both.
 */

export const agentTokens = pgTable('agent_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** hex sha256 of the bearer token; the token itself is never stored */
  tokenSha256: text('token_sha256').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** One row per accepted batch: the idempotency ledger. */
export const ingestBatches = pgTable('ingest_batches', {
  batchId: uuid('batch_id').primaryKey(),
  agentId: text('agent_id').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  edgeRows: integer('edge_rows').notNull(),
});

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
  },
  (t) => [
    index('edge_samples_bucket_start_idx').on(t.bucketStart),
    index('edge_samples_edge_bucket_idx').on(t.clientKind, t.clientName, t.serverKind, t.serverName, t.bucketStart),
    check('edge_samples_counts_check', sql`${t.requests} >= 1 and ${t.errors} >= 0 and ${t.errors} <= ${t.requests}`),
    check('edge_samples_kinds_check', sql`${t.clientKind} in ('service', 'external') and ${t.serverKind} in ('service', 'external')`),
  ],
);
