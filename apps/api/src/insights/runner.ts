import { type DetectorConfig } from '@kinsight/rca';
import { type Logger } from 'pino';
import { type Database } from '../db/client.js';
import { type Clock } from '../trpc.js';
import { STEP_MS } from './frame.js';
import { loadRed } from './red.js';
import { type ReportJob, buildReports } from './report.js';
import {
  type StoredOpen,
  type Tx,
  applyAction,
  loadOpenExceptions,
  readWatermark,
  resolveStale,
  storeReport,
  tryInsightsLock,
  writeWatermark,
} from './store.js';
import { ExceptionTracker, familyId } from './tracker.js';

export interface InsightsOptions {
  /** a bucket is analysed this long after it ends, so late agent batches are in (agents flush ~2 s after a bucket) */
  settleMs?: number;
  /** the most history one tick analyses, and what a rebuilt detector replays before the watermark */
  lookbackMs?: number;
  /** a rebuild replays from before the oldest open exception's start, but never more than this */
  maxReplayMs?: number;
  /** a bucket's latency and error rate count only with at least this many calls */
  minRequests?: number;
  /** history before an anomaly that its report compares with */
  reportBaselineMs?: number;
  detector?: Partial<DetectorConfig>;
}

export const DEFAULT_INSIGHTS_OPTIONS: Required<Omit<InsightsOptions, 'detector'>> = {
  settleMs: 20_000,
  lookbackMs: 10 * 60_000,
  maxReplayMs: 70 * 60_000,
  minRequests: 3,
  reportBaselineMs: 10 * 60_000,
};

export interface TickResult {
  /** busy: another runner held the lock; idle: no complete bucket since the watermark; failed: logged, state rebuilt next tick */
  status: 'done' | 'busy' | 'idle' | 'failed';
  /** buckets analysed: [from, to) */
  from: number | null;
  to: number | null;
  /** the in-memory detectors were rebuilt (restart) or caught up (another replica ran) from the database */
  synced: 'none' | 'caught-up' | 'rebuilt';
  opened: number[];
  updated: number;
  resolved: number;
  reports: number[];
  error?: string;
}

const emptyResult = (status: TickResult['status']): TickResult => ({ status, from: null, to: null, synced: 'none', opened: [], updated: 0, resolved: 0, reports: [] });
const alignDown = (t: number) => Math.floor(t / STEP_MS) * STEP_MS;

/**
 * The background Insights runner. Each tick, in one transaction holding an advisory lock: read the
 * RED series of the complete buckets since the watermark (one query per series kind), feed them to
 * the detectors, open/update/resolve exception rows, build and store a report for every exception it
 * opened, and move the watermark. Detector state is memory that can always be rebuilt from the
 * database: a runner whose state is not at the watermark (restart, another replica ran) replays.
 */
export class InsightsRunner {
  private tracker: ExceptionTracker | null = null;
  private readonly options: Required<Omit<InsightsOptions, 'detector'>> & Pick<InsightsOptions, 'detector'>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: InsightsOptions = {},
  ) {
    this.options = { ...DEFAULT_INSIGHTS_OPTIONS, ...options };
  }

  async tick(): Promise<TickResult> {
    const now = this.clock.now();
    const ready = alignDown(now - this.options.settleMs);
    try {
      return await this.db.transaction((tx) => this.run(tx, now, ready));
    } catch (error) {
      // The transaction rolled back; memory may be ahead of the database, so rebuild next time.
      this.tracker = null;
      const reason = error instanceof Error ? error.message : String(error);
      this.log.error({ err: error }, `insights tick failed: ${reason}; retrying on the next tick`);
      return { ...emptyResult('failed'), error: reason };
    }
  }

  private async run(tx: Tx, now: number, ready: number): Promise<TickResult> {
    if (!(await tryInsightsLock(tx))) return emptyResult('busy');
    const watermark = await readWatermark(tx);
    const from = watermark ?? ready - this.options.lookbackMs;
    if (from >= ready) return emptyResult('idle');
    const { synced, open } = await this.sync(tx, watermark);
    const tracker = this.tracker;
    if (!tracker) throw new Error('insights: detectors missing after sync');
    // A long outage is caught up a lookback at a time, so no tick grows without bound.
    const to = Math.min(ready, from + this.options.lookbackMs);
    const { frame } = await loadRed(tx, from, to, this.options.minRequests);
    const actions = tracker.feed(frame, from, to);

    const openIds = new Map(open.map((o) => [familyId(o.key), o.id]));
    const result: TickResult = { ...emptyResult('done'), from, to, synced };
    const jobs: ReportJob[] = [];
    for (const action of actions) {
      const id = await applyAction(tx, action, openIds);
      if (action.type === 'open' && id !== null) {
        result.opened.push(id);
        jobs.push({ exceptionId: id, key: action.key, since: action.since, at: action.at });
      } else if (action.type === 'update') result.updated++;
      else if (action.type === 'resolve') result.resolved++;
    }
    for (const { job, report } of await buildReports(tx, jobs, { baselineMs: this.options.reportBaselineMs, minRequests: this.options.minRequests })) {
      result.reports.push(await storeReport(tx, job.exceptionId, report));
    }
    await writeWatermark(tx, to, now);
    return result;
  }

  /**
   * Brings the detectors to the watermark. Continuing: nothing to do. Behind by less than a lookback
   * (another replica ran the last ticks): replay those buckets silently. Otherwise (fresh process,
   * failed tick, long gap): new detectors replay the lookback — from before the oldest open
   * exception's start when that is earlier — so baselines come back and open exceptions are
   * re-derived instead of reopened. Then the open rows in the database win: what the replay did not
   * re-derive is resolved, what it derived but the database closed is forgotten.
   */
  private async sync(tx: Tx, watermark: number | null): Promise<{ synced: TickResult['synced']; open: StoredOpen[] }> {
    const stored = await loadOpenExceptions(tx);
    if (watermark === null) {
      this.tracker = new ExceptionTracker(this.trackerOptions());
      return { synced: 'none', open: stored };
    }
    const current = this.tracker;
    if (current && current.cursor === watermark) return { synced: 'none', open: stored };
    let synced: TickResult['synced'];
    if (current && current.cursor !== null && current.cursor < watermark && watermark - current.cursor <= this.options.lookbackMs) {
      const { frame } = await loadRed(tx, current.cursor, watermark, this.options.minRequests);
      current.feed(frame, current.cursor, watermark);
      synced = 'caught-up';
    } else {
      const tracker = new ExceptionTracker(this.trackerOptions());
      const oldest = Math.min(watermark, ...stored.map((s) => s.startedAt));
      const replayFrom = alignDown(Math.max(watermark - this.options.maxReplayMs, Math.min(watermark, oldest) - this.options.lookbackMs));
      const { frame } = await loadRed(tx, replayFrom, watermark, this.options.minRequests);
      tracker.feed(frame, replayFrom, watermark);
      this.tracker = tracker;
      synced = 'rebuilt';
    }
    const tracker = this.tracker;
    if (!tracker) throw new Error('insights: detectors missing after replay');
    tracker.cursor = watermark;
    const staleIds = new Set(tracker.reconcile(stored.map((s) => s.key)).map(familyId));
    const stale = stored.filter((s) => staleIds.has(familyId(s.key)));
    await resolveStale(tx, stale, watermark);
    if (stale.length > 0) this.log.info({ resolved: stale.map((s) => s.id) }, 'insights: resolved exceptions the replay no longer sees');
    return { synced, open: stored.filter((s) => !staleIds.has(familyId(s.key))) };
  }

  private trackerOptions() {
    return { staleMs: this.options.lookbackMs, ...(this.options.detector ? { detector: this.options.detector } : {}) };
  }
}

export interface InsightsHandle {
  runner: InsightsRunner;
  stop(): Promise<void>;
}

/** Runs a tick every `intervalMs` (never two at once); null when the interval is 0 (disabled). */
export function startInsights(db: Database, clock: Clock, log: Logger, intervalMs: number, options: InsightsOptions = {}): InsightsHandle | null {
  if (intervalMs <= 0) return null;
  const runner = new InsightsRunner(db, clock, log, options);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const loop = () => {
    running = runner.tick().then((result) => {
      const changed = result.opened.length + result.updated + result.resolved > 0;
      if (changed) log.info({ ...result }, `insights: ${result.opened.length} opened, ${result.resolved} resolved, ${result.reports.length} reports`);
      else log.debug({ status: result.status, from: result.from, to: result.to, synced: result.synced }, 'insights tick');
      if (!stopped) timer = setTimeout(loop, intervalMs);
    });
  };
  timer = setTimeout(loop, intervalMs);
  return {
    runner,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
