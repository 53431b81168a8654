import {
  type DetectorConfig,
  type DetectorTransition,
  type ExceptionEvent,
  type SeriesKey,
  type SpreadFloor,
  DEFAULT_DETECTOR_CONFIG,
  ExceptionDetector,
  SHARE_FLOOR,
} from '@kinsight/rca';
import { STEP_MS, type SeriesFrame } from './frame.js';

/** What an exception is about: one entity's latency (p95 and mean together), error rate or traffic. */
export type Family = 'latency' | 'error_rate' | 'requests';
export type WatchedKind = 'service' | 'endpoint' | 'edge';

export const FAMILY_MEMBERS: Record<Family, readonly string[]> = {
  latency: ['latency_p95', 'latency'],
  error_rate: ['error_rate'],
  requests: ['requests'],
};
const FAMILY_OF: Readonly<Record<string, Family>> = { latency_p95: 'latency', latency: 'latency', error_rate: 'error_rate', requests: 'requests' };
const KIND_ORDER: readonly WatchedKind[] = ['service', 'endpoint', 'edge'];
const isWatched = (kind: string): kind is WatchedKind => kind === 'service' || kind === 'endpoint' || kind === 'edge';

export interface FamilyKey {
  kind: WatchedKind;
  entity: string;
  family: Family;
}
export const familyId = (k: FamilyKey) => `${k.kind}:${k.entity}:${k.family}`;

/** Requests per 10 s are counts: a few calls more or less is not an incident on a quiet service. */
export const REQUEST_FLOOR: SpreadFloor = { relative: 0.05, absolute: 3 };

export const INSIGHTS_DETECTOR_CONFIG: DetectorConfig = {
  ...DEFAULT_DETECTOR_CONFIG,
  floors: { error_rate: SHARE_FLOOR, requests: REQUEST_FLOOR },
};

export interface TrackerAction {
  type: 'open' | 'update' | 'resolve';
  key: FamilyKey;
  /** the bucket that decided it */
  at: number;
  /** open: when the anomaly began; resolve: when the series came back; update: unchanged */
  since: number;
  /** the member series' events (open ones, or the ones that just resolved) */
  events: ExceptionEvent[];
  /** the entity's requests in that bucket (0 when it sent none) */
  requests: number;
}

interface FamilyState {
  key: FamilyKey;
  /** suppressed: an edge or endpoint anomaly that its service's open exception already covers */
  state: 'open' | 'suppressed';
}

export interface TrackerOptions {
  detector?: Partial<DetectorConfig>;
  /** an entity silent this long is gone: its open exceptions resolve (until then it counts 0 requests) */
  staleMs?: number;
}

/**
 * Turns the detector's per-series events into exception lifecycles per entity and family: latency
 * opens when p95 or mean confirms and resolves when both are back; an edge or endpoint whose service
 * already has an open exception of the same family is folded into it. Deterministic, so a replay of
 * the same buckets reaches the same state on any replica.
 */
export class ExceptionTracker {
  readonly detector: ExceptionDetector;
  private readonly families = new Map<string, FamilyState>();
  private readonly lastSeen = new Map<string, { kind: WatchedKind; entity: string; ts: number; requests: number }>();
  private readonly staleMs: number;
  /** end (exclusive) of the last bucket fed */
  cursor: number | null = null;

  constructor(options: TrackerOptions = {}) {
    this.detector = new ExceptionDetector({ ...INSIGHTS_DETECTOR_CONFIG, ...options.detector });
    this.staleMs = options.staleMs ?? 10 * 60_000;
  }

  /** Feeds every bucket of [from, to) (empty ones too, so silence counts) and returns what changed. */
  feed(frame: SeriesFrame, from: number, to: number): TrackerAction[] {
    const byTs = new Map(frame.buckets().map((b) => [b.ts, b.points]));
    const actions: TrackerAction[] = [];
    const start = this.cursor === null ? from : Math.max(from, this.cursor);
    for (let ts = start; ts < to; ts += STEP_MS) {
      const points = (byTs.get(ts) ?? []).filter((p) => isWatched(p.key.kind));
      actions.push(...this.bucket(ts, points));
      this.cursor = ts + STEP_MS;
    }
    return actions;
  }

  /** Open families as the tracker sees them (not the suppressed ones). */
  openFamilies(): FamilyKey[] {
    return [...this.families.values()].filter((f) => f.state === 'open').map((f) => f.key);
  }

  /**
   * Aligns with the exceptions the store holds open: families the store does not hold are forgotten
   * (someone resolved them), and store rows the replay did not re-derive are returned to be resolved.
   */
  reconcile(storeOpen: readonly FamilyKey[]): FamilyKey[] {
    const held = new Set(storeOpen.map(familyId));
    for (const [id, f] of this.families) {
      if (f.state !== 'open' || held.has(id)) continue;
      for (const metric of FAMILY_MEMBERS[f.key.family]) this.detector.dismiss({ kind: f.key.kind, entity: f.key.entity, metric });
      this.families.delete(id);
    }
    const stale: FamilyKey[] = [];
    for (const key of storeOpen) {
      const f = this.families.get(familyId(key));
      if (f) f.state = 'open';
      else stale.push(key);
    }
    return stale;
  }

  private bucket(ts: number, points: ReadonlyArray<{ key: SeriesKey; value: number }>): TrackerAction[] {
    const actions: TrackerAction[] = [];
    const touched = new Map<string, { key: FamilyKey; transitions: DetectorTransition[] }>();
    // Only series that changed state need a decision: the rest cost one observe each.
    const note = (key: SeriesKey, transitions: DetectorTransition[]) => {
      if (transitions.length === 0) return;
      const family = FAMILY_OF[key.metric];
      if (!family || !isWatched(key.kind)) return;
      const fk: FamilyKey = { kind: key.kind, entity: key.entity, family };
      const entry = touched.get(familyId(fk)) ?? { key: fk, transitions: [] };
      entry.transitions.push(...transitions);
      touched.set(familyId(fk), entry);
    };

    // Traffic first: the detector weighs impact by the entity's share of this bucket's requests.
    const present = new Set<string>();
    for (const p of points) {
      if (p.key.metric !== 'requests' || !isWatched(p.key.kind)) continue;
      const id = `${p.key.kind}:${p.key.entity}`;
      present.add(id);
      this.lastSeen.set(id, { kind: p.key.kind, entity: p.key.entity, ts, requests: p.value });
      note(p.key, this.detector.observe(p.key, ts, p.value));
    }
    for (const [id, seen] of this.lastSeen) {
      if (present.has(id)) continue;
      if (ts - seen.ts > this.staleMs) {
        actions.push(...this.expire(seen.kind, seen.entity, ts, seen.ts + STEP_MS));
        this.lastSeen.delete(id);
        continue;
      }
      const key: SeriesKey = { kind: seen.kind, entity: seen.entity, metric: 'requests' };
      seen.requests = 0;
      note(key, this.detector.observe(key, ts, 0));
    }
    for (const p of points) if (p.key.metric !== 'requests') note(p.key, this.detector.observe(p.key, ts, p.value));

    const ordered = [...touched.values()].sort((a, b) => KIND_ORDER.indexOf(a.key.kind) - KIND_ORDER.indexOf(b.key.kind));
    for (const { key, transitions } of ordered) {
      const action = this.decide(key, transitions, ts);
      if (action) actions.push(action);
    }
    return actions;
  }

  private decide(key: FamilyKey, transitions: readonly DetectorTransition[], ts: number): TrackerAction | null {
    const id = familyId(key);
    const state = this.families.get(id);
    const open = this.openEvents(key);
    const requests = this.lastSeen.get(`${key.kind}:${key.entity}`)?.requests ?? 0;
    if (open.length > 0 && !state) {
      if (key.kind !== 'service' && this.coveredByService(key)) {
        this.families.set(id, { key, state: 'suppressed' });
        return null;
      }
      this.families.set(id, { key, state: 'open' });
      return { type: 'open', key, at: ts, since: Math.min(...open.map((e) => e.onsetAt)), events: open, requests };
    }
    if (open.length > 0 && state?.state === 'open' && transitions.some((t) => t.type !== 'resolved')) {
      return { type: 'update', key, at: ts, since: ts, events: open, requests };
    }
    if (open.length === 0 && state) {
      this.families.delete(id);
      if (state.state !== 'open') return null;
      const resolved = transitions.filter((t) => t.type === 'resolved').map((t) => t.event);
      const since = Math.max(...resolved.map((e) => e.recoveredAt ?? ts), Number.NEGATIVE_INFINITY);
      return { type: 'resolve', key, at: ts, since: Number.isFinite(since) ? since : ts, events: resolved, requests };
    }
    return null;
  }

  /** An entity that went silent: its open families end where its traffic did. */
  private expire(kind: WatchedKind, entity: string, ts: number, endedAt: number): TrackerAction[] {
    const actions: TrackerAction[] = [];
    for (const family of Object.keys(FAMILY_MEMBERS) as Family[]) {
      const key: FamilyKey = { kind, entity, family };
      const events = this.openEvents(key);
      for (const metric of FAMILY_MEMBERS[family]) this.detector.dismiss({ kind, entity, metric });
      const state = this.families.get(familyId(key));
      this.families.delete(familyId(key));
      if (state?.state === 'open') actions.push({ type: 'resolve', key, at: ts, since: endedAt, events, requests: 0 });
    }
    return actions;
  }

  private openEvents(key: FamilyKey): ExceptionEvent[] {
    const events: ExceptionEvent[] = [];
    for (const metric of FAMILY_MEMBERS[key.family]) {
      const e = this.detector.eventOf({ kind: key.kind, entity: key.entity, metric });
      // Traffic rising from nothing is a new caller or a batch job starting, not a surge.
      if (e && !(key.family === 'requests' && e.baseline <= 0)) events.push(e);
    }
    return events;
  }

  /** The service an edge (either end) or endpoint belongs to already has this family open. */
  private coveredByService(key: FamilyKey): boolean {
    const services = key.kind === 'edge' ? key.entity.split('->') : [key.entity.slice(0, Math.max(0, key.entity.indexOf(' ')))];
    return services.some((s) => this.families.get(familyId({ kind: 'service', entity: s, family: key.family }))?.state === 'open');
  }
}
