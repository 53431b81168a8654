/**
 * How an exception reads in the list and on its report: entity and metric names a person
 * recognises, impact as a share of traffic, times and durations. Pure, so tests pin the text.
 */
import { formatCount } from '../../lib/format.js';

const KIND_LABELS: Record<string, string> = {
  service: 'Service',
  edge: 'Connection',
  endpoint: 'Endpoint',
  machine: 'Machine',
};

const METRIC_LABELS: Record<string, string> = {
  latency: 'Latency',
  latency_p50: 'Latency p50',
  latency_p90: 'Latency p90',
  latency_p95: 'Latency p95',
  latency_p99: 'Latency p99',
  error_rate: 'Error rate',
  availability: 'Availability',
  requests: 'Traffic',
  retransmits: 'TCP retransmits',
  srtt: 'Round-trip time',
  resets: 'Connection resets',
  drops: 'Packet drops',
  failed_connects: 'Failed connects',
  cpu: 'CPU',
  memory: 'Memory',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind.charAt(0).toUpperCase() + kind.slice(1);
}

export function metricLabel(metric: string): string {
  return METRIC_LABELS[metric] ?? metric.replaceAll('_', ' ');
}

/**
 * `gateway->product` → `gateway → product`. Engine names are bare service names; topology node
 * ids (`service:gateway`) are shown without their kind prefix.
 */
export function entityLabel(kind: string, id: string): string {
  const bare = (name: string) => name.replace(/^service:/, '');
  if (kind === 'edge') {
    const arrow = id.indexOf('->');
    if (arrow > 0) return `${bare(id.slice(0, arrow))} → ${bare(id.slice(arrow + 2).replace(/#[^#]*$/, ''))}`;
  }
  return bare(id);
}

export interface Impact {
  share: number;
  requests?: number | undefined;
}

export function formatImpact(impact: Impact): string {
  const percent = impact.share * 100;
  const share = percent <= 0 ? '0%' : percent < 1 ? '<1%' : `${Math.round(percent)}%`;
  const parts = [`${share} of traffic`];
  if (impact.requests !== undefined) parts.push(`${formatCount(Math.round(impact.requests))} requests`);
  return parts.join(' · ');
}

/** `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`: the two largest units, rounded down. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** `ongoing · 4 min` or `lasted 12 min`. */
export function formatLifetime(startedAt: number, endedAt: number | null, now: number): string {
  return endedAt === null ? `ongoing · ${formatDuration(now - startedAt)}` : `lasted ${formatDuration(endedAt - startedAt)}`;
}

/**
 * Time of day for today's events, date and time for older ones, in the viewer's zone
 * (or `timeZone`, which tests pin).
 */
export function formatTimestamp(ts: number, now: number, timeZone?: string): string {
  const zone = timeZone ? { timeZone } : {};
  const day = (t: number) => new Date(t).toLocaleDateString('en-GB', zone);
  const time = new Date(ts).toLocaleTimeString('en-GB', { ...zone, hour: '2-digit', minute: '2-digit', second: '2-digit' });
  if (day(ts) === day(now)) return time;
  const date = new Date(ts).toLocaleDateString('en-GB', { ...zone, day: 'numeric', month: 'short' });
  return `${date} ${time}`;
}
