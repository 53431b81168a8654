/**
 * The Insights view state a user would share lives in the URL:
 * `/insights?range=24h&status=open&severity=critical&entity=edge:gateway->product`.
 * Unknown values fall back to defaults, so a stale link still opens.
 */

export const INSIGHT_RANGES = ['1h', '6h', '24h', '7d'] as const;
export type InsightRange = (typeof INSIGHT_RANGES)[number];
export const DEFAULT_INSIGHT_RANGE: InsightRange = '24h';

export const INSIGHT_RANGE_LABELS: Record<InsightRange, string> = {
  '1h': 'Last 1 hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
};

const RANGE_MS: Record<InsightRange, number> = {
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 24 * 3_600_000,
};

/** Mirrors the API's EXCEPTION_STATUSES / SEVERITIES; the list input type checks they agree. */
export const EXCEPTION_STATUS_FILTERS = ['open', 'resolved'] as const;
export type ExceptionStatusFilter = (typeof EXCEPTION_STATUS_FILTERS)[number];
export const SEVERITY_FILTERS = ['critical', 'warning', 'info'] as const;
export type SeverityFilter = (typeof SEVERITY_FILTERS)[number];

/** The entity an exception is about, as the engine names it (`service` + `gateway`, `edge` + `gateway->product`). */
export interface ExceptionEntity {
  kind: string;
  id: string;
}

export interface InsightsState {
  range: InsightRange;
  /** null = every status */
  status: ExceptionStatusFilter | null;
  /** null = every severity */
  severity: SeverityFilter | null;
  entity: ExceptionEntity | null;
}

export const PAGE_SIZE = 50;

function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : null;
}

/** `kind:id`; the kind never holds ':' while the id may (external addresses). */
export function formatEntityParam(entity: ExceptionEntity): string {
  return `${entity.kind}:${entity.id}`;
}

export function parseEntityParam(value: string | null): ExceptionEntity | null {
  if (!value) return null;
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) return null;
  return { kind: value.slice(0, colon), id: value.slice(colon + 1) };
}

export function parseInsightsState(params: URLSearchParams): InsightsState {
  return {
    range: oneOf(INSIGHT_RANGES, params.get('range')) ?? DEFAULT_INSIGHT_RANGE,
    status: oneOf(EXCEPTION_STATUS_FILTERS, params.get('status')),
    severity: oneOf(SEVERITY_FILTERS, params.get('severity')),
    entity: parseEntityParam(params.get('entity')),
  };
}

/** Query string (with leading `?`) for a state; defaults stay out of the URL except the range. */
export function formatInsightsState(state: InsightsState): string {
  const params = new URLSearchParams();
  params.set('range', state.range);
  if (state.status) params.set('status', state.status);
  if (state.severity) params.set('severity', state.severity);
  if (state.entity) params.set('entity', formatEntityParam(state.entity));
  return `?${params.toString()}`;
}

export function insightsHref(state: Partial<InsightsState>): string {
  return `/insights${formatInsightsState({ range: DEFAULT_INSIGHT_RANGE, status: null, severity: null, entity: null, ...state })}`;
}

export interface ExceptionListFilter {
  status?: ExceptionStatusFilter;
  severity?: SeverityFilter;
  entityKind?: string;
  entityId?: string;
  /** exceptions that started in [from, to) */
  from: number;
  to: number;
  limit: number;
}

/**
 * The `exceptions.list` input for a state at `now`. `to` is a little past now: an exception the
 * engine opens while the page is open starts "now" and must not fall out of the window.
 */
export function listFilter(state: InsightsState, now: number): ExceptionListFilter {
  return {
    ...(state.status ? { status: state.status } : {}),
    ...(state.severity ? { severity: state.severity } : {}),
    ...(state.entity ? { entityKind: state.entity.kind, entityId: state.entity.id } : {}),
    from: Math.max(0, now - RANGE_MS[state.range]),
    to: now + 60_000,
    limit: PAGE_SIZE,
  };
}

export function hasFilters(state: InsightsState): boolean {
  return state.status !== null || state.severity !== null || state.entity !== null;
}
