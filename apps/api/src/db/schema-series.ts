import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  doublePrecision,
  index,
  pgTable,
  text,
  timestamp,
  uuid,
  type AnyPgColumn,
  type IndexBuilder,
  type PgColumnBuilderBase,
} from 'drizzle-orm/pg-core';

/**
 * Time series. Each raw table holds 10-second buckets as agents sent them (with the batch that
 * carried them); `<raw>_1m` and `<raw>_1h` hold their sums per minute and hour. Every one is
 * partitioned by day on bucket_start (migration 0002, maintained by db/partitions.ts): drizzle
 * declares the columns, the migration adds `PARTITION BY RANGE`.
 */

const bucketStart = () => timestamp('bucket_start', { withTimezone: true }).notNull();
const count = (name: string) => bigint(name, { mode: 'number' }).notNull();
const histogram = () => bigint('latency_histogram', { mode: 'number' }).array();
const provenance = () => ({ agentId: text('agent_id').notNull(), batchId: uuid('batch_id').notNull() });
const kindsCheck = (name: string, client: AnyPgColumn, server: AnyPgColumn) =>
  check(name, sql`${client} in ('service', 'external') and ${server} in ('service', 'external')`);

const edgeKey = () => ({
  clientKind: text('client_kind').notNull(),
  /** service name or external address, by client_kind */
  clientName: text('client_name').notNull(),
  serverKind: text('server_kind').notNull(),
  serverName: text('server_name').notNull(),
});

/** Columns shared by a raw table and its rollups, without the raw-only provenance. */
type Columns = Record<string, PgColumnBuilderBase>;

type Col = AnyPgColumn;

/** `<raw>_1m` or `<raw>_1h`: the raw columns without provenance, summed per minute or hour. */
function rollup<C extends Columns>(raw: string, suffix: '1m' | '1h', columns: () => C, indexes: (name: string) => (t: never) => IndexBuilder[]) {
  const name = `${raw}_${suffix}`;
  // The table's own columns satisfy the index helper; drizzle cannot see that through the spread.
  const build = indexes(name) as (t: unknown) => IndexBuilder[];
  return pgTable(name, { bucketStart: bucketStart(), ...columns() }, (t) => build(t));
}

// ── edge RED ────────────────────────────────────────────────────────────────────────────────
// edge_samples is the foundation table (0000); it gains latency_histogram here.
const edgeRedRollupColumns = () => ({
  ...edgeKey(),
  protocol: text('protocol').notNull(),
  method: text('method').notNull(),
  statusClass: text('status_class').notNull(),
  requests: count('requests'),
  errors: count('errors'),
  latencySumMs: doublePrecision('latency_sum_ms').notNull(),
  latencyMaxMs: doublePrecision('latency_max_ms').notNull(),
  latencyHistogram: histogram(),
});
const edgeIndexes = (name: string) => (t: { clientKind: Col; clientName: Col; serverKind: Col; serverName: Col; bucketStart: Col }) => [
  index(`${name}_bucket_start_idx`).on(t.bucketStart),
  index(`${name}_edge_bucket_idx`).on(t.clientKind, t.clientName, t.serverKind, t.serverName, t.bucketStart),
];
export const edgeSamples1m = rollup('edge_samples', '1m', edgeRedRollupColumns, edgeIndexes);
export const edgeSamples1h = rollup('edge_samples', '1h', edgeRedRollupColumns, edgeIndexes);

// ── endpoint RED ────────────────────────────────────────────────────────────────────────────
const endpointColumns = () => ({
  serverKind: text('server_kind').notNull(),
  serverName: text('server_name').notNull(),
  protocol: text('protocol').notNull(),
  method: text('method').notNull(),
  /** the collapsed route (`/users/{id}`), never a raw path */
  route: text('route').notNull(),
  statusClass: text('status_class').notNull(),
  requests: count('requests'),
  errors: count('errors'),
  latencySumMs: doublePrecision('latency_sum_ms').notNull(),
  latencyMaxMs: doublePrecision('latency_max_ms').notNull(),
  latencyHistogram: histogram(),
});
const endpointIndexes = (name: string) => (t: { serverKind: Col; serverName: Col; route: Col; bucketStart: Col }) => [
  index(`${name}_bucket_start_idx`).on(t.bucketStart),
  index(`${name}_endpoint_bucket_idx`).on(t.serverKind, t.serverName, t.route, t.bucketStart),
];
export const endpointSamples = pgTable(
  'endpoint_samples',
  { bucketStart: bucketStart(), ...endpointColumns(), ...provenance() },
  (t) => [
    ...endpointIndexes('endpoint_samples')(t),
    check('endpoint_samples_counts_check', sql`${t.requests} >= 1 and ${t.errors} >= 0 and ${t.errors} <= ${t.requests}`),
  ],
);
export const endpointSamples1m = rollup('endpoint_samples', '1m', endpointColumns, endpointIndexes);
export const endpointSamples1h = rollup('endpoint_samples', '1h', endpointColumns, endpointIndexes);

// ── edge network quality ────────────────────────────────────────────────────────────────────
const networkColumns = () => ({
  ...edgeKey(),
  connects: count('connects'),
  failedConnects: count('failed_connects'),
  resets: count('resets'),
  retransmits: count('retransmits'),
  /** smoothed RTT summed over samples: mean = srtt_sum_us / srtt_samples */
  srttSumUs: count('srtt_sum_us'),
  srttSamples: count('srtt_samples'),
  bytesSent: count('bytes_sent'),
  bytesReceived: count('bytes_received'),
  packetsSent: count('packets_sent'),
  packetsReceived: count('packets_received'),
});
export const edgeNetworkSamples = pgTable(
  'edge_network_samples',
  { bucketStart: bucketStart(), ...networkColumns(), ...provenance() },
  (t) => [
    ...edgeIndexes('edge_network_samples')(t),
    kindsCheck('edge_network_samples_kinds_check', t.clientKind, t.serverKind),
  ],
);
export const edgeNetworkSamples1m = rollup('edge_network_samples', '1m', networkColumns, edgeIndexes);
export const edgeNetworkSamples1h = rollup('edge_network_samples', '1h', networkColumns, edgeIndexes);

/** Packets the kernel dropped on an edge, by the kernel's drop reason (`TCP_CSUM`, `NOSOCKET`…). */
const dropColumns = () => ({ ...edgeKey(), reason: text('reason').notNull(), drops: count('drops') });
export const edgeDropSamples = pgTable(
  'edge_drop_samples',
  { bucketStart: bucketStart(), ...dropColumns(), ...provenance() },
  (t) => edgeIndexes('edge_drop_samples')(t),
);
export const edgeDropSamples1m = rollup('edge_drop_samples', '1m', dropColumns, edgeIndexes);
export const edgeDropSamples1h = rollup('edge_drop_samples', '1h', dropColumns, edgeIndexes);

// ── resources ───────────────────────────────────────────────────────────────────────────────
const resourceColumns = () => ({
  /** node | pod | process */
  entityKind: text('entity_kind').notNull(),
  /** node name, pod uid, or `<node>/<pid>@<start ms>` for a process */
  entityId: text('entity_id').notNull(),
  nodeName: text('node_name').notNull(),
  cpuSeconds: doublePrecision('cpu_seconds').notNull(),
  throttledSeconds: doublePrecision('throttled_seconds').notNull(),
  /** memory is a gauge: sum and count of samples give the mean, max the peak */
  memoryBytesSum: doublePrecision('memory_bytes_sum').notNull(),
  memoryBytesMax: doublePrecision('memory_bytes_max').notNull(),
  memorySamples: count('memory_samples'),
});
const resourceIndexes = (name: string) => (t: { entityKind: Col; entityId: Col; bucketStart: Col }) => [
  index(`${name}_bucket_start_idx`).on(t.bucketStart),
  index(`${name}_entity_bucket_idx`).on(t.entityKind, t.entityId, t.bucketStart),
];
export const resourceSamples = pgTable(
  'resource_samples',
  { bucketStart: bucketStart(), ...resourceColumns(), ...provenance() },
  (t) => [
    ...resourceIndexes('resource_samples')(t),
    check('resource_samples_kind_check', sql`${t.entityKind} in ('node', 'pod', 'process')`),
  ],
);
export const resourceSamples1m = rollup('resource_samples', '1m', resourceColumns, resourceIndexes);
export const resourceSamples1h = rollup('resource_samples', '1h', resourceColumns, resourceIndexes);

// ── log templates ───────────────────────────────────────────────────────────────────────────
const logColumns = () => ({
  /** service or pod the lines came from */
  sourceKind: text('source_kind').notNull(),
  sourceName: text('source_name').notNull(),
  level: text('level').notNull(),
  templateId: text('template_id').notNull(),
  lines: count('lines'),
});
const logIndexes = (name: string) => (t: { sourceKind: Col; sourceName: Col; bucketStart: Col }) => [
  index(`${name}_bucket_start_idx`).on(t.bucketStart),
  index(`${name}_source_bucket_idx`).on(t.sourceKind, t.sourceName, t.bucketStart),
];
export const logTemplateSamples = pgTable(
  'log_template_samples',
  { bucketStart: bucketStart(), ...logColumns(), ...provenance() },
  (t) => logIndexes('log_template_samples')(t),
);
export const logTemplateSamples1m = rollup('log_template_samples', '1m', logColumns, logIndexes);
export const logTemplateSamples1h = rollup('log_template_samples', '1h', logColumns, logIndexes);

/** Retention and rollups track how far they got here, so a restart resumes. */
export const maintenanceState = pgTable('maintenance_state', {
  job: text('job').primaryKey(),
  /** the rollup job: batches received up to here are rolled up */
  watermark: timestamp('watermark', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
