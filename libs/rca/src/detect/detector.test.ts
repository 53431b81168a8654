import { describe, expect, it } from 'vitest';
import { type DetectorTransition, ExceptionDetector, type SeriesKey } from './detector.js';
import { COUNT_FLOOR, floorFor, median, robustBaseline, windowScore } from './robust.js';

const LATENCY: SeriesKey = { kind: 'service', entity: 'product', metric: 'latency_p99' };
const wiggle = (i: number) => 0.1 * (1 + 0.02 * Math.sin(i * 1.7));

function feed(d: ExceptionDetector, key: SeriesKey, values: readonly number[], t0 = 0): DetectorTransition[] {
  return values.flatMap((v, i) => d.observe(key, t0 + i * 10, v).map((tr) => tr));
}

describe('robust statistics', () => {
  it('median and σ-scaled MAD with a floor', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(robustBaseline([1, 2, 3, 4, 100])).toEqual({ median: 3, spread: 1.4826 });
    expect(robustBaseline([5, 5, 5])).toEqual({ median: 5, spread: 0.25 });
    expect(windowScore([1, 2, 3, 4, 100], [6, 6, 6], 'up')).toBeCloseTo(3 / 1.4826, 10);
    expect(windowScore([1, 2, 3, 4, 100], [0, 0, 0], 'up')).toBe(0);
  });
});

describe('ExceptionDetector', () => {
  const baseline = Array.from({ length: 30 }, (_, i) => wiggle(i));

  it('opens on a confirmed step change (3 of 5 points) and escalates to critical', () => {
    const d = new ExceptionDetector();
    expect(feed(d, LATENCY, baseline)).toEqual([]);
    const step = feed(d, LATENCY, [0.5, 0.5, 0.5, 0.5], 300);
    expect(step.map((t) => t.type)).toEqual(['opened']);
    expect(step[0]?.event).toMatchObject({ id: 'exc-1', state: 'open', openedAt: 320, severity: 'critical', peakValue: 0.5, lastValue: 0.5 });
    expect(d.openEvents()).toHaveLength(1);
  });

  it('does not flap on a lone spike', () => {
    const d = new ExceptionDetector();
    feed(d, LATENCY, baseline);
    expect(feed(d, LATENCY, [0.9, wiggle(1), wiggle(2), 0.9, wiggle(3), wiggle(4), wiggle(5)], 300)).toEqual([]);
    expect(d.openEvents()).toEqual([]);
  });

  it('resolves after six normal points once the series recovers, keeping the peak', () => {
    const d = new ExceptionDetector();
    feed(d, LATENCY, baseline);
    feed(d, LATENCY, [0.5, 0.6, 0.5], 300);
    const back = feed(d, LATENCY, Array.from({ length: 6 }, (_, i) => wiggle(i)), 330);
    expect(back.map((t) => t.type)).toEqual(['resolved']);
    expect(back[0]?.event).toMatchObject({ state: 'resolved', openedAt: 320, resolvedAt: 380, peakValue: 0.6 });
    expect(d.openEvents()).toEqual([]);
  });

  it('weighs impact by the entity’s share of traffic and refuses bad points', () => {
    const d = new ExceptionDetector();
    const errors: SeriesKey = { kind: 'service', entity: 'product', metric: 'error_rate' };
    d.observe({ kind: 'service', entity: 'product', metric: 'requests' }, 1, 25);
    d.observe({ kind: 'service', entity: 'auth', metric: 'requests' }, 1, 75);
    feed(d, errors, Array.from({ length: 30 }, () => 0.01), 10);
    const opened = feed(d, errors, [0.4, 0.4, 0.4], 400);
    expect(opened[0]?.event.impact).toBeCloseTo(0.25 * 0.4, 10);
    expect(d.observe(errors, 500, Number.NaN)).toEqual([]);
    expect(d.observe(errors, 100, 0.4)).toEqual([]);
    expect(d.rejected).toBe(2);
  });

  it('keeps memory bounded: the baseline ring never grows past the window', () => {
    const d = new ExceptionDetector({ window: 8 });
    for (let s = 0; s < 1000; s++) d.observe({ kind: 'edge', entity: `a->s${s}`, metric: 'retransmits' }, 1, s);
    expect(d.seriesCount).toBe(1000);
    expect(() => new ExceptionDetector({ confirmK: 6, confirmN: 5 })).toThrow('detector config: confirmK (6) must be 1..confirmN and confirmN (5) ≤ 31');
  });

  it('knows when an event began and when it ended, not only when it was confirmed and resolved', () => {
    const d = new ExceptionDetector();
    feed(d, LATENCY, baseline);
    // abnormal at 300, 320 and 330, normal at 310: confirmed at 330 (3 of 5), began at 300
    const opened = feed(d, LATENCY, [0.5, wiggle(1), 0.5, 0.5], 300);
    expect(opened[0]?.event).toMatchObject({ openedAt: 330, onsetAt: 300, recoveredAt: null });
    const resolved = feed(d, LATENCY, Array.from({ length: 6 }, (_, i) => wiggle(i)), 340);
    expect(resolved[0]?.event).toMatchObject({ resolvedAt: 390, recoveredAt: 340 });
  });

  it('dismisses an open event without a transition and reads one series’ event', () => {
    const d = new ExceptionDetector();
    feed(d, LATENCY, baseline);
    feed(d, LATENCY, [0.5, 0.5, 0.5], 300);
    expect(d.eventOf(LATENCY)?.state).toBe('open');
    expect(d.dismiss(LATENCY)).toBe(true);
    expect(d.eventOf(LATENCY)).toBeNull();
    expect(d.dismiss(LATENCY)).toBe(false);
  });

  it('takes a spread floor per metric name', () => {
    const retransmits: SeriesKey = { kind: 'edge', entity: 'a->b', metric: 'retransmits' };
    const quiet = Array.from({ length: 30 }, () => 0);
    // without a count floor three retransmits on a quiet link are an incident; with it, they are noise
    const bare = new ExceptionDetector();
    feed(bare, retransmits, quiet);
    expect(feed(bare, retransmits, [3, 3, 3], 300).map((t) => t.type)).toEqual(['opened']);
    const floored = new ExceptionDetector({ floors: { retransmits: COUNT_FLOOR } });
    feed(floored, retransmits, quiet);
    expect(feed(floored, retransmits, [3, 3, 3], 300)).toEqual([]);
    expect(feed(floored, retransmits, [30, 30, 30], 400).map((t) => t.type)).toEqual(['opened']);
    expect(floorFor('retransmits')).toBe(COUNT_FLOOR);
  });
});
