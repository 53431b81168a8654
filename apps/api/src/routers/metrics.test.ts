import { describe, expect, it } from 'vitest';
import { describeKind, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { issuePaths, rejectionOf } from '../testing/errors.js';
import { userCaller } from '../testing/fixtures.js';
import { SEED_WINDOW, seedShop } from '../testing/seed.js';
import { autoStepSeconds, type EdgeMetricsPoint } from './metrics.js';

const edgeQuery = { source: 'service:frontend', target: 'service:checkout', ...SEED_WINDOW };
const empty = (ts: number): EdgeMetricsPoint => ({ ts, requests: 0, requestRate: 0, errors: 0, errorRate: 0, meanLatencyMs: null });

describe('autoStepSeconds', () => {
  it('keeps a window under 360 points', () => {
    expect([600_000, 3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000].map(autoStepSeconds)).toEqual([10, 10, 60, 300, 1800]);
  });
});

describe.each(TEST_DATABASE_KINDS)('metrics.edge on %s', (kind) => {
  const database = useTestDatabase(kind);

  it(`sums the edge into 5-minute steps (${describeKind(kind)})`, async () => {
    const { db } = database();
    await seedShop(db);
    expect(await (await userCaller(db)).metrics.edge({ ...edgeQuery, stepSeconds: 300 })).toEqual({
      stepSeconds: 300,
      points: [
        { ts: SEED_WINDOW.from, requests: 300, requestRate: 1, errors: 0, errorRate: 0, meanLatencyMs: 10 },
        { ts: SEED_WINDOW.from + 300_000, requests: 300, requestRate: 1, errors: 12, errorRate: 0.04, meanLatencyMs: 4080 / 300 },
      ],
    });
  });

  it('picks 10-second steps for 10 minutes and fills empty steps with zeros', async () => {
    const { db } = database();
    await seedShop(db);
    const expected = Array.from({ length: 60 }, (_, i) => empty(SEED_WINDOW.from + i * 10_000));
    expected[0] = { ts: SEED_WINDOW.from, requests: 300, requestRate: 30, errors: 0, errorRate: 0, meanLatencyMs: 10 };
    expected[30] = { ts: SEED_WINDOW.from + 300_000, requests: 12, requestRate: 1.2, errors: 12, errorRate: 1, meanLatencyMs: 100 };
    expected[59] = { ts: SEED_WINDOW.to - 10_000, requests: 288, requestRate: 28.8, errors: 0, errorRate: 0, meanLatencyMs: 10 };
    expect(await (await userCaller(db)).metrics.edge(edgeQuery)).toEqual({ stepSeconds: 10, points: expected });
  });

  it('reads an edge to an external address', async () => {
    const { db } = database();
    await seedShop(db);
    const result = await (await userCaller(db)).metrics.edge({
      ...SEED_WINDOW,
      source: 'service:checkout',
      target: 'external:10.0.0.9:8443',
      stepSeconds: 600,
    });
    expect(result.points).toEqual([{ ts: SEED_WINDOW.from, requests: 60, requestRate: 0.1, errors: 0, errorRate: 0, meanLatencyMs: 1500 }]);
  });

  it('answers NOT_FOUND naming an edge without data in the window', async () => {
    const { db } = database();
    await seedShop(db);
    const error = await rejectionOf(
      (await userCaller(db)).metrics.edge({ ...edgeQuery, source: 'service:checkout', target: 'service:frontend' }),
    );
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'NOT_FOUND',
      message: 'edge service:checkout → service:frontend has no data in the window',
    });
  });

  it.each([
    ['a source that is no node id', { source: 'frontend' }, ['source']],
    ['a step that splits buckets', { stepSeconds: 15 }, ['stepSeconds']],
    ['a step under 10 s', { stepSeconds: 0 }, ['stepSeconds']],
    ['too many points', { from: 0, to: 7 * 86_400_000, stepSeconds: 10 }, ['stepSeconds']],
    ['a window over 7 days', { from: 0, to: 8 * 86_400_000 }, ['to']],
  ])('refuses %s with BAD_REQUEST naming it', async (_name, change, paths) => {
    const error = await rejectionOf((await userCaller(database().db)).metrics.edge({ ...edgeQuery, ...change }));
    expect({ code: error.code, paths: issuePaths(error) }).toEqual({ code: 'BAD_REQUEST', paths });
  });
});
