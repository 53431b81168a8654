/**
 * The view state a user would share lives in the URL:
 * `?range=15m&edge=<edge id>` or `?range=1h&node=<node id>`.
 */

export const TIME_RANGES = ['5m', '15m', '1h'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];
export const DEFAULT_RANGE: TimeRange = '15m';

export const RANGE_LABELS: Record<TimeRange, string> = {
  '5m': 'Last 5 minutes',
  '15m': 'Last 15 minutes',
  '1h': 'Last 1 hour',
};

const RANGE_MS: Record<TimeRange, number> = {
  '5m': 5 * 60_000,
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
};

/** Chart resolution per range: 10 s is the agent's bucket, wider ranges stay under ~120 points. */
const RANGE_STEP_SECONDS: Record<TimeRange, number> = { '5m': 10, '15m': 10, '1h': 30 };

export type Selection = { kind: 'edge'; id: string } | { kind: 'node'; id: string } | null;

export interface ViewState {
  range: TimeRange;
  selection: Selection;
}

function isTimeRange(value: string | null): value is TimeRange {
  return value !== null && (TIME_RANGES as readonly string[]).includes(value);
}

/** Unknown or missing values fall back to defaults: a stale link still opens. */
export function parseViewState(params: URLSearchParams): ViewState {
  const rangeParam = params.get('range');
  const range = isTimeRange(rangeParam) ? rangeParam : DEFAULT_RANGE;
  const edge = params.get('edge');
  const node = params.get('node');
  // An edge wins over a node: the panel can show only one.
  const selection: Selection = edge ? { kind: 'edge', id: edge } : node ? { kind: 'node', id: node } : null;
  return { range, selection };
}

/** Query string (with leading `?`) for a view state; keeps other parameters untouched. */
export function formatViewState(state: ViewState, base: URLSearchParams = new URLSearchParams()): string {
  const params = new URLSearchParams(base);
  params.set('range', state.range);
  params.delete('edge');
  params.delete('node');
  if (state.selection) params.set(state.selection.kind, state.selection.id);
  return `?${params.toString()}`;
}

export interface TimeWindow {
  /** epoch ms, inclusive */
  from: number;
  /** epoch ms, exclusive */
  to: number;
  stepSeconds: number;
}

/** The window a range covers, ending at `now`. */
export function timeWindow(range: TimeRange, now: number): TimeWindow {
  return { from: now - RANGE_MS[range], to: now, stepSeconds: RANGE_STEP_SECONDS[range] };
}
