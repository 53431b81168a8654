import { type RcaReport } from '@kinsight/rca';
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { exceptions, maintenanceState, rcaReports } from '../db/schema.js';
import { createTestDatabase, describeKind, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { NOW, seedAgentToken, silentLog, userCaller } from '../testing/fixtures.js';
import { InsightsRunner, startInsights } from './runner.js';
import { CPU_FAULT, HEALTHY, type Levels, ingestScenario, ManualClock, NETWORK_FAULT } from './scenario.js';

/**
 * Seeds (through ingest.batch): 10 minutes of 10 s buckets ending at NOW for the gateway/product/
 * inventory scenario (see scenario.ts); the fault, when there is one, covers the last 3 minutes.
 */
const HISTORY = 60;
const FAULT_FROM = 42;
const SETTLE = 20_000;
const START = NOW - HISTORY * 10_000;

const levels = (fault: Partial<Levels> | null) => (i: number): Levels => (fault && i >= FAULT_FROM ? { ...HEALTHY, ...fault } : HEALTHY);

describe.each(TEST_DATABASE_KINDS)('Insights runner on %s', (kind) => {
  const database = useTestDatabase(kind);

  async function seed(fault: Partial<Levels> | null) {
    const { db } = database();
    await seedAgentToken(db);
    const clock = new ManualClock(NOW + SETTLE);
    await ingestScenario(db, clock, START, HISTORY, levels(fault));
    return { db, clock, runner: new InsightsRunner(db, clock, silentLog) };
  }

  type Viewer = Awaited<ReturnType<typeof userCaller>>;
  async function reportOf(viewer: Viewer, exceptionId: number): Promise<RcaReport> {
    const stored = await viewer.reports.byException({ exceptionId });
    if (!stored) throw new Error(`exception ${exceptionId} has no report`);
    return stored.document as RcaReport;
  }

  it(`opens one gateway latency exception with a network report for the gateway→product case (${describeKind(kind)})`, async () => {
    const { db, runner } = await seed(NETWORK_FAULT);
    const tick = await runner.tick();
    expect(tick).toMatchObject({ status: 'done', from: START, to: NOW, resolved: 0 });
    expect(tick.opened).toHaveLength(1);
    expect(tick.reports).toHaveLength(1);

    const viewer = await userCaller(db);
    const { items } = await viewer.exceptions.list({ status: 'open' });
    expect(items).toHaveLength(1);
    const [exception] = items;
    expect(exception).toMatchObject({ entityKind: 'service', entityId: 'gateway', metric: 'latency', status: 'open', severity: 'critical', endedAt: null, reportId: tick.reports[0] });
    expect(exception?.title).toMatch(/^gateway: p95 latency \d+ ms \(usual \d+ ms\)/);
    // the gateway serves all of the external client's calls: the whole service traffic it sees
    expect(exception?.impact.share).toBeGreaterThan(0.2);
    expect(exception?.startedAt).toBe(START + FAULT_FROM * 10_000);

    const report = await reportOf(viewer, exception?.id ?? 0);
    expect(report.faultClass).toBe('network');
    expect(report.rootCauses[0]).toMatchObject({ rank: 1, kind: 'edge', id: 'gateway->product', faultClass: 'network' });
    expect(report.classification.path.map((s) => s.nodeId)).toEqual(['entry-abnormal', 'downstream-abnormal', 'network-on-call']);
    expect(report.summary).toMatch(/^network at edge gateway->product: the call gateway→product shows TCP retransmits/);
    expect(report.propagation.path).toEqual(['gateway', 'product']);
    expect(report.nodeIds).toMatchObject({ gateway: 'service:gateway', product: 'service:product' });

    // retransmits and the call's response time rise together, bucket by bucket, in the window
    const series = (metric: string) => report.keyMetrics.find((k) => k.kind === 'edge' && k.entity === 'gateway->product' && k.metric === metric);
    const rt = series('latency_p95') ?? series('latency');
    const retransmits = series('retransmits');
    expect(rt?.score).toBeGreaterThan(3);
    expect(retransmits?.score).toBeGreaterThan(3);
    const windowed = (ref: typeof rt) => new Map((ref?.points ?? []).filter((p) => p.ts >= report.window.from).map((p) => [p.ts, p.value]));
    const rtWindow = windowed(rt);
    const rxWindow = windowed(retransmits);
    expect([...rtWindow.keys()]).toEqual([...rxWindow.keys()]);
    expect(rtWindow.size).toBeGreaterThanOrEqual(3);
    for (const [ts, value] of rtWindow) {
      expect(value).toBeGreaterThan(3 * (rt?.baseline ?? Number.POSITIVE_INFINITY));
      expect(rxWindow.get(ts)).toBeGreaterThan(10 * Math.max(1, retransmits?.baseline ?? Number.POSITIVE_INFINITY));
    }
    // product's own time stayed normal: it is a relay, not a cause
    expect(report.keyMetrics.some((k) => k.kind === 'service' && k.entity === 'product')).toBe(false);
  });

  it(`classifies a CPU-starved product as a resource problem (${describeKind(kind)})`, async () => {
    const { db, runner } = await seed(CPU_FAULT);
    const tick = await runner.tick();
    expect(tick.status).toBe('done');
    const open = await db.select({ id: exceptions.id, kind: exceptions.entityKind, entity: exceptions.entityId, metric: exceptions.metric }).from(exceptions).where(eq(exceptions.status, 'open'));
    expect(open.map((e) => `${e.kind}:${e.entity}:${e.metric}`).sort()).toEqual(['service:gateway:latency', 'service:product:latency']);
    const viewer = await userCaller(db);
    for (const e of open) {
      const report = await reportOf(viewer, e.id);
      expect(report.faultClass).toBe('resource_cpu');
      expect(report.rootCauses[0]).toMatchObject({ kind: 'service', id: 'product', faultClass: 'resource_cpu' });
      expect(report.classification.path.at(-1)?.nodeId).toBe('cpu-saturation');
      expect(report.keyMetrics.some((k) => k.kind === 'service' && k.entity === 'product' && k.metric === 'cpu' && k.score >= 3)).toBe(true);
    }
  });

  it(`opens nothing over a healthy period (${describeKind(kind)})`, async () => {
    const { db, runner } = await seed(null);
    expect(await runner.tick()).toMatchObject({ status: 'done', opened: [], updated: 0, resolved: 0, reports: [] });
    expect(await db.select().from(exceptions)).toEqual([]);
    expect(await db.select().from(rcaReports)).toEqual([]);
  });

  it(`resolves the exception when the series recovers, and writes nothing twice (${describeKind(kind)})`, async () => {
    const { db, clock, runner } = await seed(NETWORK_FAULT);
    const first = await runner.tick();
    expect(first.opened).toHaveLength(1);
    expect(await runner.tick()).toMatchObject({ status: 'idle', opened: [] });

    // two more minutes, healthy again
    await ingestScenario(db, clock, NOW, 12, () => HEALTHY);
    clock.set(NOW + 120_000 + SETTLE);
    const recovery = await runner.tick();
    expect(recovery).toMatchObject({ status: 'done', from: NOW, to: NOW + 120_000, synced: 'none', opened: [], resolved: 1 });
    const [row] = await db.select().from(exceptions);
    expect(row).toMatchObject({ status: 'resolved', entityId: 'gateway' });
    // it ended when the first healthy bucket came, not when the runner was sure
    expect(row?.endedAt?.getTime()).toBe(NOW);
    expect(await db.select().from(exceptions)).toHaveLength(1);
    expect(await db.select().from(rcaReports)).toHaveLength(1);
  });

  it(`does not reopen after a restart, and two runners at once write one exception and one report (${describeKind(kind)})`, async () => {
    const { db, clock } = await seed(NETWORK_FAULT);
    const a = new InsightsRunner(db, clock, silentLog);
    const b = new InsightsRunner(db, clock, silentLog);
    const both = await Promise.all([a.tick(), b.tick()]);
    expect(both.map((t) => t.status).sort()).toEqual(kind === 'postgres' ? expect.arrayContaining(['done']) : ['done', 'idle']);
    expect(both.flatMap((t) => t.opened)).toHaveLength(1);
    const [opened] = await db.select({ id: exceptions.id }).from(exceptions);

    // the incident goes on for another minute; a fresh runner (a restarted API) rebuilds from the database
    await ingestScenario(db, clock, NOW, 6, () => ({ ...HEALTHY, ...NETWORK_FAULT }));
    clock.set(NOW + 60_000 + SETTLE);
    const restarted = new InsightsRunner(db, clock, silentLog);
    expect(await restarted.tick()).toMatchObject({ status: 'done', synced: 'rebuilt', opened: [], resolved: 0 });
    // the old runner is now behind the watermark another runner moved: it catches up, writes nothing
    await ingestScenario(db, clock, NOW + 60_000, 1, () => ({ ...HEALTHY, ...NETWORK_FAULT }));
    clock.set(NOW + 70_000 + SETTLE);
    expect(await a.tick()).toMatchObject({ status: 'done', synced: 'caught-up', opened: [], resolved: 0 });

    const rows = await db.select({ id: exceptions.id, status: exceptions.status }).from(exceptions);
    expect(rows).toEqual([{ id: opened?.id, status: 'open' }]);
    expect(await db.select({ id: rcaReports.id }).from(rcaReports)).toHaveLength(1);
  });

  it(`keeps an incident longer than the lookback open across a restart (${describeKind(kind)})`, async () => {
    const { db, clock, runner } = await seed(NETWORK_FAULT);
    expect((await runner.tick()).opened).toHaveLength(1);
    // ten more minutes of the same incident, analysed: the watermark is now deep inside it
    clock.set(NOW + 600_000 + SETTLE);
    await ingestScenario(db, clock, NOW, 60, () => ({ ...HEALTHY, ...NETWORK_FAULT }));
    expect(await runner.tick()).toMatchObject({ status: 'done', opened: [], resolved: 0 });
    // a restart now: replaying only the last ten minutes would learn the incident as normal and resolve it
    clock.set(NOW + 610_000 + SETTLE);
    await ingestScenario(db, clock, NOW + 600_000, 1, () => ({ ...HEALTHY, ...NETWORK_FAULT }));
    const restarted = new InsightsRunner(db, clock, silentLog);
    expect(await restarted.tick()).toMatchObject({ status: 'done', synced: 'rebuilt', opened: [], resolved: 0 });
    expect(await db.select({ status: exceptions.status }).from(exceptions)).toEqual([{ status: 'open' }]);
  });

  it(`runs ticks in the background until stopped, and not at all with interval 0 (${describeKind(kind)})`, async () => {
    const { db, clock } = await seed(NETWORK_FAULT);
    expect(startInsights(db, clock, silentLog, 0)).toBeNull();
    const handle = startInsights(db, clock, silentLog, 5);
    await vi.waitFor(async () => expect(await db.select({ id: exceptions.id }).from(exceptions)).toHaveLength(1), { timeout: 20_000, interval: 50 });
    await handle?.stop();
    expect((await db.select({ watermark: maintenanceState.watermark }).from(maintenanceState)).map((r) => r.watermark.getTime())).toContain(NOW);
  });

  it(`logs a failed tick and answers instead of throwing (${describeKind(kind)})`, async () => {
    const broken = await createTestDatabase(kind);
    await broken.dispose();
    const lines: string[] = [];
    const { pino } = await import('pino');
    const log = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const result = await new InsightsRunner(broken.db, new ManualClock(NOW), log).tick();
    expect(result.status).toBe('failed');
    expect(result.error).toBeTruthy();
    expect(lines.join('')).toContain('insights tick failed');
  });
});
