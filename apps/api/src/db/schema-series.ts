import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uuid,
  type AnyPgColumn,
  type PgColumnBuilderBase,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * Time series. Each raw table holds 10-second buckets as agents sent them (with the batch that
 * carried them), keyed by text columns (client, server, method …). `<raw>_1m`, `<raw>_10m` and
 * `<raw>_1h` hold their sums per minute, ten minutes and hour, keyed by an integer `series_id`
 * that `<name>_series` maps to those key columns: one small dictionary per series instead of the
 * same strings on every rollup row, so a window's rollup rows are narrow and group by one integer.
 * Every series table is partitioned by day on bucket_start (migrations 0002 and 0005, maintained
 * by db/partitions.ts): drizzle declares the columns, the migrations add `PARTITION BY RANGE`.
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

type Columns = Record<string, PgColumnBuilderBase>;

type Col = AnyPgColumn;

const bucketIndex = (name: string) => (t: { bucketStart: Col }) => index(`${name}_bucket_start_idx`).on(t.bucketStart);

/**
 * A series' rollups and dictionary: `<raw>_1m`, `<raw>_10m`, `<raw>_1h` (bucket, series id, the
 * summed values) and `<name>_series` (id → key columns, each key tuple once).
 */
function rolledUp<K extends Columns, V extends Columns>(raw: string, keys: () => K, values: () => V) {
  const dictionaryName = raw.replace(/_samples$/, '_series');
  const dictionary = pgTable(
    dictionaryName,
    { id: integer('id').primaryKey().generatedAlwaysAsIdentity(), ...keys() },
    (t) => {
      // Every key column, in declaration order: the rollup job looks a key tuple up by all of them.
      const byName = t as unknown as Record<string, Col>;
      const [first, ...rest] = Object.keys(keys()).flatMap((key) => (byName[key] ? [byName[key]] : []));
      if (!first) throw new Error(`series ${dictionaryName} has no key columns`);
      return [uniqueIndex(`${dictionaryName}_key_idx`).on(first, ...rest)];
    },
  );
  const rollup = (suffix: '1m' | '10m' | '1h') => {
    const name = `${raw}_${suffix}`;
    return pgTable(name, { bucketStart: bucketStart(), seriesId: integer('series_id').notNull(), ...values() }, (t) => [
      bucketIndex(name)(t),
      index(`${name}_series_bucket_idx`).on(t.seriesId, t.bucketStart),
    ]);
  };
  return { dictionary, '1m': rollup('1m'), '10m': rollup('10m'), '1h': rollup('1h') };
}

// ── edge RED ────────────────────────────────────────────────────────────────────────────────
// edge_samples is the foundation table (schema.ts, 0000): its key and value columns are these.
const edgeRedKeys = () => ({
  ...edgeKey(),
  protocol: text('protocol').notNull(),
  method: text('method').notNull(),
  statusClass: text('status_class').notNull(),
});
const redValues = () => ({
  requests: count('requests'),
  errors: count('errors'),
  latencySumMs: doublePrecision('latency_sum_ms').notNull(),
  latencyMaxMs: doublePrecision('latency_max_ms').notNull(),
  latencyHistogram: histogram(),
});
const edgeIndexes = (name: string) => (t: { clientKind: Col; clientName: Col; serverKind: Col; serverName: Col; bucketStart: Col }) => [
  bucketIndex(name)(t),
  index(`${name}_edge_bucket_idx`).on(t.clientKind, t.clientName, t.serverKind, t.serverName, t.bucketStart),
];
const edgeRed = rolledUp('edge_samples', edgeRedKeys, redValues);
export const edgeSeries = edgeRed.dictionary;
export const edgeSamples1m = edgeRed['1m'];
export const edgeSamples10m = edgeRed['10m'];
export const edgeSamples1h = edgeRed['1h'];

// ── endpoint RED ────────────────────────────────────────────────────────────────────────────
const endpointKeys = () => ({
  serverKind: text('server_kind').notNull(),
  serverName: text('server_name').notNull(),
  protocol: text('protocol').notNull(),
  method: text('method').notNull(),
  /** the collapsed route (`/users/{id}`), never a raw path */
  route: text('route').notNull(),
  statusClass: text('status_class').notNull(),
});
export const endpointSamples = pgTable(
  'endpoint_samples',
  { bucketStart: bucketStart(), ...endpointKeys(), ...redValues(), ...provenance() },
  (t) => [
    bucketIndex('endpoint_samples')(t),
    index('endpoint_samples_endpoint_bucket_idx').on(t.serverKind, t.serverName, t.route, t.bucketStart),
    check('endpoint_samples_counts_check', sql`${t.requests} >= 1 and ${t.errors} >= 0 and ${t.errors} <= ${t.requests}`),
  ],
);
const endpointRed = rolledUp('endpoint_samples', endpointKeys, redValues);
export const endpointSeries = endpointRed.dictionary;
export const endpointSamples1m = endpointRed['1m'];
export const endpointSamples10m = endpointRed['10m'];
export const endpointSamples1h = endpointRed['1h'];

// ── edge network quality ────────────────────────────────────────────────────────────────────
const networkValues = () => ({
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
  { bucketStart: bucketStart(), ...edgeKey(), ...networkValues(), ...provenance() },
  (t) => [
    ...edgeIndexes('edge_network_samples')(t),
    kindsCheck('edge_network_samples_kinds_check', t.clientKind, t.serverKind),
  ],
);
const network = rolledUp('edge_network_samples', edgeKey, networkValues);
export const edgeNetworkSeries = network.dictionary;
export const edgeNetworkSamples1m = network['1m'];
export const edgeNetworkSamples10m = network['10m'];
export const edgeNetworkSamples1h = network['1h'];

/** Packets the kernel dropped on an edge, by the kernel's drop reason (`TCP_CSUM`, `NOSOCKET`…). */
const dropKeys = () => ({ ...edgeKey(), reason: text('reason').notNull() });
const dropValues = () => ({ drops: count('drops') });
export const edgeDropSamples = pgTable(
  'edge_drop_samples',
  { bucketStart: bucketStart(), ...dropKeys(), ...dropValues(), ...provenance() },
  (t) => edgeIndexes('edge_drop_samples')(t),
);
const drops = rolledUp('edge_drop_samples', dropKeys, dropValues);
export const edgeDropSeries = drops.dictionary;
export const edgeDropSamples1m = drops['1m'];
export const edgeDropSamples10m = drops['10m'];
export const edgeDropSamples1h = drops['1h'];

// ── resources ───────────────────────────────────────────────────────────────────────────────
const resourceKeys = () => ({
  /** node | pod | process */
  entityKind: text('entity_kind').notNull(),
  /** node name, pod uid, or `<node>/<pid>@<start ms>` for a process */
  entityId: text('entity_id').notNull(),
  nodeName: text('node_name').notNull(),
});
const resourceValues = () => ({
  cpuSeconds: doublePrecision('cpu_seconds').notNull(),
  throttledSeconds: doublePrecision('throttled_seconds').notNull(),
  /** memory is a gauge: sum and count of samples give the mean, max the peak */
  memoryBytesSum: doublePrecision('memory_bytes_sum').notNull(),
  memoryBytesMax: doublePrecision('memory_bytes_max').notNull(),
  memorySamples: count('memory_samples'),
});
export const resourceSamples = pgTable(
  'resource_samples',
  { bucketStart: bucketStart(), ...resourceKeys(), ...resourceValues(), ...provenance() },
  (t) => [
    bucketIndex('resource_samples')(t),
    index('resource_samples_entity_bucket_idx').on(t.entityKind, t.entityId, t.bucketStart),
    check('resource_samples_kind_check', sql`${t.entityKind} in ('node', 'pod', 'process')`),
  ],
);
const resources = rolledUp('resource_samples', resourceKeys, resourceValues);
export const resourceSeries = resources.dictionary;
export const resourceSamples1m = resources['1m'];
export const resourceSamples10m = resources['10m'];
export const resourceSamples1h = resources['1h'];

// ── log templates ───────────────────────────────────────────────────────────────────────────
const logKeys = () => ({
  /** service or pod the lines came from */
  sourceKind: text('source_kind').notNull(),
  sourceName: text('source_name').notNull(),
  level: text('level').notNull(),
  templateId: text('template_id').notNull(),
});
const logValues = () => ({ lines: count('lines') });
export const logTemplateSamples = pgTable(
  'log_template_samples',
  { bucketStart: bucketStart(), ...logKeys(), ...logValues(), ...provenance() },
  (t) => [bucketIndex('log_template_samples')(t), index('log_template_samples_source_bucket_idx').on(t.sourceKind, t.sourceName, t.bucketStart)],
);
const logs = rolledUp('log_template_samples', logKeys, logValues);
export const logTemplateSeries = logs.dictionary;
export const logTemplateSamples1m = logs['1m'];
export const logTemplateSamples10m = logs['10m'];
export const logTemplateSamples1h = logs['1h'];

/** Retention and rollups track how far they got here, so a restart resumes. */
export const maintenanceState = pgTable('maintenance_state', {
  job: text('job').primaryKey(),
  /** the rollup job: batches received up to here are rolled up */
  watermark: timestamp('watermark', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});
