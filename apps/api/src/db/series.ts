/**
 * The series tables as data: what rollups group by, sum and take the max of. Partition
 * maintenance, the rollup job and the retention job all read this one list.
 */

export type Resolution = '10s' | '1m' | '10m' | '1h';
/** Finest first; each level is rolled up from the one before it and divides the next evenly. */
export const RESOLUTIONS: readonly Resolution[] = ['10s', '1m', '10m', '1h'];
export const RESOLUTION_MS: Record<Resolution, number> = { '10s': 10_000, '1m': 60_000, '10m': 600_000, '1h': 3_600_000 };

export interface SeriesSpec {
  /** the raw (10 s) table; rollups are `<raw>_1m`, `<raw>_10m` and `<raw>_1h` */
  raw: string;
  /** maps each rollup row's `series_id` to the key columns (`edge_samples` → `edge_series`) */
  dictionary: string;
  /** key columns: in the raw table and the dictionary, never in rollups */
  keys: readonly string[];
  sums: readonly string[];
  maxes: readonly string[];
  histogram: string | null;
}

const EDGE = ['client_kind', 'client_name', 'server_kind', 'server_name'] as const;
const RED = { sums: ['requests', 'errors', 'latency_sum_ms'], maxes: ['latency_max_ms'], histogram: 'latency_histogram' } as const;

export const SERIES: readonly SeriesSpec[] = [
  { raw: 'edge_samples', dictionary: 'edge_series', keys: [...EDGE, 'protocol', 'method', 'status_class'], ...RED },
  { raw: 'endpoint_samples', dictionary: 'endpoint_series', keys: ['server_kind', 'server_name', 'protocol', 'method', 'route', 'status_class'], ...RED },
  {
    raw: 'edge_network_samples',
    dictionary: 'edge_network_series',
    keys: EDGE,
    sums: ['connects', 'failed_connects', 'resets', 'retransmits', 'srtt_sum_us', 'srtt_samples', 'bytes_sent', 'bytes_received', 'packets_sent', 'packets_received'],
    maxes: [],
    histogram: null,
  },
  { raw: 'edge_drop_samples', dictionary: 'edge_drop_series', keys: [...EDGE, 'reason'], sums: ['drops'], maxes: [], histogram: null },
  {
    raw: 'resource_samples',
    dictionary: 'resource_series',
    keys: ['entity_kind', 'entity_id', 'node_name'],
    sums: ['cpu_seconds', 'throttled_seconds', 'memory_bytes_sum', 'memory_samples'],
    maxes: ['memory_bytes_max'],
    histogram: null,
  },
  { raw: 'log_template_samples', dictionary: 'log_template_series', keys: ['source_kind', 'source_name', 'level', 'template_id'], sums: ['lines'], maxes: [], histogram: null },
];

export function tableAt(spec: SeriesSpec, resolution: Resolution): string {
  return resolution === '10s' ? spec.raw : `${spec.raw}_${resolution}`;
}

/** Every partitioned table, each with its resolution. */
export const SERIES_TABLES: readonly { table: string; resolution: Resolution }[] = SERIES.flatMap((spec) =>
  RESOLUTIONS.map((resolution) => ({ table: tableAt(spec, resolution), resolution })),
);
