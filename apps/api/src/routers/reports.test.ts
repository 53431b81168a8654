import { describe, expect, it } from 'vitest';
import { exceptions, rcaReports } from '../db/schema.js';
import { describeKind, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { rejectionOf } from '../testing/errors.js';
import { NOW, userCaller } from '../testing/fixtures.js';

/** Seeds two exceptions directly: #1 with two reports (the newer one wins), #2 with none. */
describe.each(TEST_DATABASE_KINDS)('exceptions and their reports on %s', (kind) => {
  const database = useTestDatabase(kind);

  async function seed() {
    const { db } = database();
    const rows = await db
      .insert(exceptions)
      .values(['gateway', 'product'].map((entityId) => ({
        entityKind: 'service', entityId, metric: 'latency', title: `${entityId} slow`, severity: 'warning' as const,
        status: 'open' as const, startedAt: new Date(NOW - 60_000), impact: { share: 0.5 },
      })))
      .returning({ id: exceptions.id });
    const report = (exceptionId: number, summary: string) => ({
      exceptionId, windowFrom: new Date(NOW - 60_000), windowTo: new Date(NOW), rootCause: 'gateway->product', confidence: 1, summary, document: { version: 1, summary },
    });
    const first = rows[0]?.id ?? 0;
    const reports = await db.insert(rcaReports).values([report(first, 'older'), report(first, 'newer')]).returning({ id: rcaReports.id });
    return { exceptionIds: rows.map((r) => r.id), newest: reports[1]?.id ?? 0, viewer: await userCaller(db) };
  }

  it(`lists exceptions with the id of their newest report, null without one (${describeKind(kind)})`, async () => {
    const { exceptionIds, newest, viewer } = await seed();
    const { items } = await viewer.exceptions.list({});
    expect(items.map((e) => [e.entityId, e.reportId])).toEqual([['product', null], ['gateway', newest]]);
    expect((await viewer.exceptions.get({ id: exceptionIds[0] ?? 0 })).reportId).toBe(newest);
  });

  it(`answers an exception's newest report, null when it has none, NOT_FOUND naming a missing exception (${describeKind(kind)})`, async () => {
    const { exceptionIds, newest, viewer } = await seed();
    const [withReport, withoutReport] = exceptionIds;
    expect(await viewer.reports.byException({ exceptionId: withReport ?? 0 })).toMatchObject({
      id: newest, exceptionId: withReport, rootCause: 'gateway->product', confidence: 1, summary: 'newer', windowFrom: NOW - 60_000, windowTo: NOW,
      document: { version: 1, summary: 'newer' },
    });
    expect(await viewer.reports.byException({ exceptionId: withoutReport ?? 0 })).toBeNull();
    const missing = await rejectionOf(viewer.reports.byException({ exceptionId: 812 }));
    expect({ code: missing.code, message: missing.message }).toEqual({ code: 'NOT_FOUND', message: 'exception 812 not found' });
    const bad = await rejectionOf(viewer.reports.byException({ exceptionId: 0 }));
    expect(bad.code).toBe('BAD_REQUEST');
  });

  it(`refuses a second open exception for the same entity and metric (${describeKind(kind)})`, async () => {
    await seed();
    const duplicate = database().db.insert(exceptions).values({
      entityKind: 'service', entityId: 'gateway', metric: 'latency', title: 'again', severity: 'warning', status: 'open', startedAt: new Date(NOW), impact: { share: 0 },
    });
    await expect(duplicate).rejects.toThrow();
  });
});
