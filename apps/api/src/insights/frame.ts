import { type EntityKind, MetricWindows, type SeriesKey, seriesId } from '@kinsight/rca';

/** The agent's bucket: every series the runner reads is one value per 10 s. */
export const STEP_MS = 10_000;

export interface FramePoint {
  key: SeriesKey;
  value: number;
}

interface Series {
  key: SeriesKey;
  points: Map<number, number>;
}

/**
 * Values of many series over a range of 10 s buckets, as loaded by one query per series kind. The
 * runner feeds it to the detectors bucket by bucket and cuts it into baseline and window for reports.
 */
export class SeriesFrame {
  private readonly byId = new Map<string, Series>();

  set(key: SeriesKey, ts: number, value: number): void {
    if (!Number.isFinite(value)) return;
    const id = seriesId(key);
    let series = this.byId.get(id);
    if (!series) {
      series = { key, points: new Map() };
      this.byId.set(id, series);
    }
    series.points.set(ts, value);
  }

  get(kind: EntityKind, entity: string, metric: string): ReadonlyMap<number, number> | undefined {
    return this.byId.get(seriesId({ kind, entity, metric }))?.points;
  }

  get size(): number {
    return this.byId.size;
  }

  keys(): SeriesKey[] {
    return [...this.byId.values()].map((s) => s.key);
  }

  /** Points grouped by bucket, oldest bucket first. */
  buckets(): Array<{ ts: number; points: FramePoint[] }> {
    const byTs = new Map<number, FramePoint[]>();
    for (const s of this.byId.values()) {
      for (const [ts, value] of s.points) {
        let list = byTs.get(ts);
        if (!list) {
          list = [];
          byTs.set(ts, list);
        }
        list.push({ key: s.key, value });
      }
    }
    return [...byTs.entries()].sort((a, b) => a[0] - b[0]).map(([ts, points]) => ({ ts, points }));
  }

  /** Baseline = buckets in [baselineFrom, windowFrom), window = [windowFrom, windowTo), each value with its time. */
  windows(baselineFrom: number, windowFrom: number, windowTo: number): MetricWindows {
    const out = new MetricWindows();
    for (const s of this.byId.values()) {
      const sorted = [...s.points.entries()].sort((a, b) => a[0] - b[0]);
      const baseline = sorted.filter(([ts]) => ts >= baselineFrom && ts < windowFrom);
      const window = sorted.filter(([ts]) => ts >= windowFrom && ts < windowTo);
      // A series absent from the window says nothing about the incident; one without a baseline cannot score.
      if (window.length === 0 || baseline.length === 0) continue;
      out.set(s.key, {
        baseline: baseline.map(([, v]) => v),
        window: window.map(([, v]) => v),
        times: { baseline: baseline.map(([ts]) => ts), window: window.map(([ts]) => ts) },
      });
    }
    return out;
  }
}
