import { type ExceptionEvent, type RcaReport } from '@kinsight/rca';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Database } from '../db/client.js';
import { rowsOf } from '../db/rows.js';
import { exceptions, maintenanceState, rcaReports } from '../db/schema.js';
import { type Family, type FamilyKey, type TrackerAction, type WatchedKind, FAMILY_MEMBERS, familyId } from './tracker.js';

export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** pg_try_advisory_xact_lock key of the Insights runner ("KINSIGHT" in ASCII, fits a bigint). */
export const INSIGHTS_LOCK_KEY = 0x4b494e5349474854n;
const WATERMARK_JOB = 'insights';

/** Only one runner (of any API replica) works at a time; the lock ends with the transaction. */
export async function tryInsightsLock(tx: Tx): Promise<boolean> {
  const [row] = await rowsOf<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${INSIGHTS_LOCK_KEY.toString()}::bigint) as locked`);
  return row?.locked === true;
}

/** End (exclusive) of the last bucket any runner analysed, or null before the first run. */
export async function readWatermark(tx: Tx): Promise<number | null> {
  const [row] = await tx.select({ watermark: maintenanceState.watermark }).from(maintenanceState).where(eq(maintenanceState.job, WATERMARK_JOB));
  return row ? row.watermark.getTime() : null;
}

export async function writeWatermark(tx: Tx, watermark: number, now: number): Promise<void> {
  await tx
    .insert(maintenanceState)
    .values({ job: WATERMARK_JOB, watermark: new Date(watermark), updatedAt: new Date(now) })
    .onConflictDoUpdate({ target: maintenanceState.job, set: { watermark: new Date(watermark), updatedAt: new Date(now) } });
}

export interface StoredOpen {
  id: number;
  key: FamilyKey;
  startedAt: number;
}

const FAMILIES = Object.keys(FAMILY_MEMBERS) as Family[];
const KINDS: readonly WatchedKind[] = ['service', 'endpoint', 'edge'];

/** Open exceptions the runner owns (entity kinds and metrics it writes). */
export async function loadOpenExceptions(tx: Tx): Promise<StoredOpen[]> {
  const rows = await tx
    .select({ id: exceptions.id, kind: exceptions.entityKind, entity: exceptions.entityId, metric: exceptions.metric, startedAt: exceptions.startedAt })
    .from(exceptions)
    .where(and(eq(exceptions.status, 'open'), inArray(exceptions.entityKind, [...KINDS]), inArray(exceptions.metric, FAMILIES)));
  return rows.map((r) => ({ id: r.id, key: { kind: r.kind as WatchedKind, entity: r.entity, family: r.metric as Family }, startedAt: r.startedAt.getTime() }));
}

const METRIC_WORDS: Record<string, string> = { latency_p95: 'p95 latency', latency: 'mean latency', error_rate: 'error rate', requests: 'traffic' };

function formatMetric(metric: string, value: number): string {
  if (metric === 'error_rate') return `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`;
  if (metric === 'requests') return `${Math.round(value)} requests/10 s`;
  return `${value >= 100 ? Math.round(value) : Number(value.toPrecision(2))} ms`;
}

export function entityLabel(kind: WatchedKind, entity: string): string {
  return kind === 'edge' ? entity.replace('->', ' → ') : entity;
}

/** `gateway: p95 latency 412 ms (usual 68 ms)`: what moved, how far, against what. */
export function exceptionTitle(key: FamilyKey, events: readonly ExceptionEvent[]): string {
  const parts = events.map((e) => `${METRIC_WORDS[e.key.metric] ?? e.key.metric} ${formatMetric(e.key.metric, e.peakValue)} (usual ${formatMetric(e.key.metric, e.baseline)})`);
  const what = parts.length > 0 ? parts.join(', ') : `${METRIC_WORDS[key.family] ?? key.family} abnormal`;
  return `${entityLabel(key.kind, key.entity)}: ${what}`;
}

const severityOf = (events: readonly ExceptionEvent[]) => (events.some((e) => e.severity === 'critical') ? 'critical' : 'warning');
const shareOf = (events: readonly ExceptionEvent[]) => Math.max(0, ...events.map((e) => e.impact));

/**
 * Writes one tracker action. An open that meets an already open row (another replica got there
 * first, or a replay) adopts it instead of writing a second one: the partial unique index on open
 * (entity, metric) guarantees it. Returns the row id of a newly opened exception.
 */
export async function applyAction(tx: Tx, action: TrackerAction, open: Map<string, number>): Promise<number | null> {
  const id = familyId(action.key);
  if (action.type === 'open') {
    const inserted = await tx
      .insert(exceptions)
      .values({
        entityKind: action.key.kind,
        entityId: action.key.entity,
        metric: action.key.family,
        title: exceptionTitle(action.key, action.events),
        severity: severityOf(action.events),
        status: 'open',
        startedAt: new Date(action.since),
        impact: { share: shareOf(action.events), requests: action.requests },
      })
      .onConflictDoNothing({ target: [exceptions.entityKind, exceptions.entityId, exceptions.metric], where: sql`status = 'open'` })
      .returning({ id: exceptions.id });
    const row = inserted[0];
    if (row) {
      open.set(id, row.id);
      return row.id;
    }
    const [existing] = await tx
      .select({ id: exceptions.id })
      .from(exceptions)
      .where(and(eq(exceptions.entityKind, action.key.kind), eq(exceptions.entityId, action.key.entity), eq(exceptions.metric, action.key.family), eq(exceptions.status, 'open')));
    if (existing) open.set(id, existing.id);
    return null;
  }
  const rowId = open.get(id);
  if (rowId === undefined) return null;
  if (action.type === 'update') {
    // Severity only escalates and impact keeps its peak: the row says how bad it got.
    await tx
      .update(exceptions)
      .set({
        title: exceptionTitle(action.key, action.events),
        ...(severityOf(action.events) === 'critical' ? { severity: 'critical' as const } : {}),
        impact: sql`jsonb_build_object('share', greatest((${exceptions.impact}->>'share')::float8, ${shareOf(action.events)}::float8), 'requests', ${action.requests}::float8)`,
      })
      .where(eq(exceptions.id, rowId));
    return null;
  }
  await tx
    .update(exceptions)
    .set({ status: 'resolved', endedAt: sql`greatest(${exceptions.startedAt}, ${new Date(action.since).toISOString()}::timestamptz)` })
    .where(and(eq(exceptions.id, rowId), eq(exceptions.status, 'open')));
  open.delete(id);
  return null;
}

/** Resolves exceptions the runner can no longer see (a replay after a restart did not re-derive them). */
export async function resolveStale(tx: Tx, stale: readonly StoredOpen[], at: number): Promise<void> {
  if (stale.length === 0) return;
  await tx
    .update(exceptions)
    .set({ status: 'resolved', endedAt: sql`greatest(${exceptions.startedAt}, ${new Date(at).toISOString()}::timestamptz)` })
    .where(and(inArray(exceptions.id, stale.map((s) => s.id)), eq(exceptions.status, 'open')));
}

/**
 * Stores a report linked to its exception. Confidence is the share of the entry's excess the top cause
 * explains when the call-graph attribution measured it; otherwise the top cause's share of the ranked
 * causes' scores: 1 when it stands alone, ~0.5 when a second cause is as strong.
 */
export async function storeReport(tx: Tx, exceptionId: number, report: RcaReport): Promise<number> {
  const top = report.rootCauses[0];
  const total = report.rootCauses.reduce((sum, c) => sum + Math.max(0, c.score), 0);
  const confidence =
    top?.explainedShare !== undefined ? Math.min(1, Math.max(0, top.explainedShare)) : top && total > 0 ? Math.max(0, top.score) / total : 0;
  const [row] = await tx
    .insert(rcaReports)
    .values({
      exceptionId,
      windowFrom: new Date(report.window.from),
      windowTo: new Date(report.window.to),
      rootCause: top ? top.id : 'unknown',
      confidence: Number(confidence.toFixed(4)),
      summary: report.summary,
      document: report,
    })
    .returning({ id: rcaReports.id });
  if (!row) throw new Error(`store report of exception ${exceptionId}: the insert returned no row`);
  return row.id;
}
