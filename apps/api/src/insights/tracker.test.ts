import { describe, expect, it } from 'vitest';
import { SeriesFrame, STEP_MS } from './frame.js';
import { ExceptionTracker, type FamilyKey, type TrackerAction } from './tracker.js';

/** 30 quiet buckets then `bad` buckets of a step, for the given series; ±2 % wiggle so spreads are not zero. */
function frameOf(series: Array<{ kind: 'service' | 'edge' | 'endpoint'; entity: string; metric: string; level: number; bad?: number }>, buckets: number, badFrom = 30): SeriesFrame {
  const frame = new SeriesFrame();
  for (let i = 0; i < buckets; i++) {
    for (const s of series) {
      const level = s.bad !== undefined && i >= badFrom ? s.bad : s.level;
      frame.set({ kind: s.kind, entity: s.entity, metric: s.metric }, i * STEP_MS, level * (1 + 0.02 * Math.sin(i * 1.7)));
    }
  }
  return frame;
}

const summary = (actions: TrackerAction[]) => actions.map((a) => `${a.type} ${a.key.kind}:${a.key.entity}:${a.key.family}@${a.at / STEP_MS}`);

describe('ExceptionTracker', () => {
  const traffic = (kind: 'service' | 'edge' | 'endpoint', entity: string) => ({ kind, entity, metric: 'requests', level: 100 });

  it('opens one latency exception for p95 and mean together, and resolves it when both are back', () => {
    const t = new ExceptionTracker();
    const open = frameOf([traffic('service', 'api'), { kind: 'service', entity: 'api', metric: 'latency_p95', level: 100, bad: 900 }, { kind: 'service', entity: 'api', metric: 'latency', level: 50, bad: 400 }], 40);
    expect(summary(t.feed(open, 0, 40 * STEP_MS))).toEqual(['open service:api:latency@32']);
    const back = frameOf([traffic('service', 'api'), { kind: 'service', entity: 'api', metric: 'latency_p95', level: 100 }, { kind: 'service', entity: 'api', metric: 'latency', level: 50 }], 50);
    const actions = t.feed(back, 40 * STEP_MS, 50 * STEP_MS);
    expect(summary(actions)).toEqual(['resolve service:api:latency@45']);
    // it ended with the first normal bucket of the streak that resolved it
    expect(actions[0]?.since).toBe(40 * STEP_MS);
  });

  it('folds an edge or endpoint anomaly into its service’s open exception of the same family', () => {
    const t = new ExceptionTracker();
    const frame = frameOf([
      traffic('service', 'api'), traffic('edge', 'api->db'), traffic('endpoint', 'api GET /x'), traffic('edge', 'web->shop'),
      { kind: 'service', entity: 'api', metric: 'latency', level: 50, bad: 400 },
      { kind: 'edge', entity: 'api->db', metric: 'latency', level: 20, bad: 300 },
      { kind: 'endpoint', entity: 'api GET /x', metric: 'latency', level: 50, bad: 400 },
      // an unrelated edge's errors are their own exception
      { kind: 'edge', entity: 'web->shop', metric: 'error_rate', level: 0.01, bad: 0.5 },
    ], 40);
    expect(summary(t.feed(frame, 0, 40 * STEP_MS)).sort()).toEqual(['open edge:web->shop:error_rate@32', 'open service:api:latency@32']);
    expect(t.openFamilies().map((k) => `${k.kind}:${k.entity}`).sort()).toEqual(['edge:web->shop', 'service:api']);
  });

  it('does not call traffic rising from nothing a surge, but does call a drop to nothing one, and an entity gone stale resolves', () => {
    const t = new ExceptionTracker({ staleMs: 20 * STEP_MS });
    const frame = new SeriesFrame();
    for (let i = 0; i < 60; i++) {
      if (i >= 30) frame.set({ kind: 'service', entity: 'cron', metric: 'requests' }, i * STEP_MS, 500);
      if (i < 30) frame.set({ kind: 'service', entity: 'api', metric: 'requests' }, i * STEP_MS, 100 * (1 + 0.02 * Math.sin(i)));
    }
    const actions = t.feed(frame, 0, 60 * STEP_MS);
    expect(summary(actions)).toEqual(['open service:api:requests@32', 'resolve service:api:requests@50']);
    // silent since bucket 30, so it ended there
    expect(actions[1]?.since).toBe(30 * STEP_MS);
  });

  it('reconciles with the store: forgets what the store closed, returns what it cannot see', () => {
    const t = new ExceptionTracker();
    t.feed(frameOf([traffic('service', 'api'), { kind: 'service', entity: 'api', metric: 'error_rate', level: 0.01, bad: 0.6 }], 40), 0, 40 * STEP_MS);
    expect(t.openFamilies()).toEqual([{ kind: 'service', entity: 'api', family: 'error_rate' }]);
    const gone: FamilyKey = { kind: 'service', entity: 'old', family: 'latency' };
    expect(t.reconcile([gone])).toEqual([gone]);
    expect(t.openFamilies()).toEqual([]);
    expect(t.detector.eventOf({ kind: 'service', entity: 'api', metric: 'error_rate' })).toBeNull();
  });
});
