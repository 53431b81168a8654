import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The API's own metrics, served at /metrics. One registry per process (module scope)
 * because prom-client metrics are cheap singletons and every request path shares them.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'kinsight_api_' });

export const ingestBatches = new Counter({
  name: 'kinsight_ingest_batches_total',
  help: 'Ingest batches accepted, by whether they repeated an earlier batch id',
  labelNames: ['duplicate'] as const,
  registers: [registry],
});

export const ingestRows = new Counter({
  name: 'kinsight_ingest_rows_total',
  help: 'Edge sample rows stored',
  registers: [registry],
});

export const ingestBatchSeconds = new Histogram({
  name: 'kinsight_ingest_batch_duration_seconds',
  help: 'Time to store one accepted batch (one transaction)',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export type RejectReason = 'invalid' | 'unauthorized' | 'too_large' | 'backpressure' | 'internal';

export const ingestRejectedBatches = new Counter({
  name: 'kinsight_ingest_rejected_batches_total',
  help: 'Ingest batches refused, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const requestDuration = new Histogram({
  name: 'kinsight_api_request_duration_seconds',
  help: 'HTTP request latency by route and status code',
  labelNames: ['route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** Set by the HTTP layer from whichever database it serves; PGlite reports one connection, no waiters. */
export const dbPoolConnections = new Gauge({
  name: 'kinsight_db_pool_connections',
  help: 'Database connections by state (total, idle, waiting requests)',
  labelNames: ['state'] as const,
  registers: [registry],
});

export const ingestInFlight = new Gauge({
  name: 'kinsight_ingest_in_flight',
  help: 'Batches being written right now',
  registers: [registry],
});
