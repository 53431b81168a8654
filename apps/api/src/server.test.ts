import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestLimiter } from './backpressure.js';
import { createDatabase } from './db/client.js';
import { MIGRATIONS_FOLDER } from './db/migrate.js';
import { startApiServer, type ApiServer } from './server.js';
import { describeKind, TEST_DATABASE_KINDS, useTestDatabase } from './testing/databases.js';
import { AGENT_TOKEN, batch, countRows, edge, seedAgentToken, signedInAs, testInner } from './testing/fixtures.js';
import { SEED_WINDOW } from './testing/seed.js';

/** The value of one sample line in Prometheus text output, 0 when absent. */
function sampleValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe.each(TEST_DATABASE_KINDS)('HTTP server on %s', (kind) => {
  const database = useTestDatabase(kind);
  let api: ApiServer | null = null;
  const url = (path: string) => {
    if (!api) throw new Error('server not started');
    return `${api.url}${path}`;
  };
  const postBatch = (body: unknown, token: string | null = AGENT_TOKEN) =>
    fetch(url('/trpc/ingest.batch'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const metricsText = async () => (await fetch(url('/metrics'))).text();

  beforeAll(async () => {
    api = await startApiServer(testInner(database().db), '127.0.0.1', 0);
  });
  afterAll(async () => {
    await api?.close();
  });

  it(`answers /healthz with 200 when the database answers (${describeKind(kind)})`, async () => {
    const response = await fetch(url('/healthz'));
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('stores a good batch sent with fetch and counts it in /metrics', async () => {
    const { db } = database();
    await seedAgentToken(db);
    const before = sampleValue(await metricsText(), 'kinsight_ingest_rows_total');
    const sent = batch([edge(), edge({ statusClass: '3xx' })]);
    const response = await postBatch(sent);
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 200,
      body: { result: { data: { batchId: sent.batchId, duplicate: false, stored: 2 } } },
    });
    expect(await countRows(db)).toEqual({ batches: 1, samples: 2 });
    expect(sampleValue(await metricsText(), 'kinsight_ingest_rows_total') - before).toBe(2);
  });

  it('answers a malformed batch with 400 naming the field, stores nothing and keeps serving', async () => {
    const { db } = database();
    await seedAgentToken(db);
    const series = 'kinsight_ingest_rejected_batches_total{reason="invalid"}';
    const before = sampleValue(await metricsText(), series);
    const response = await postBatch(batch([edge({ requests: -1 })]));
    const body = (await response.json()) as { error: { message: string; data: Record<string, unknown> } };
    expect(response.status).toBe(400);
    expect(body.error.message).toBe('invalid input: edges[0].requests: Too small: expected number to be >=1');
    expect(body.error.data['issues']).toEqual([{ path: 'edges[0].requests', message: 'Too small: expected number to be >=1' }]);
    expect(body.error.data['zodError']).toEqual({ formErrors: [], fieldErrors: { edges: ['Too small: expected number to be >=1'] } });
    expect(JSON.stringify(body)).not.toContain('stack');
    expect(await countRows(db)).toEqual({ batches: 0, samples: 0 });
    expect(sampleValue(await metricsText(), series) - before).toBe(1);
    expect((await fetch(url('/healthz'))).status).toBe(200);
  });

  it('answers a body that is not JSON with 400', async () => {
    await seedAgentToken(database().db);
    const response = await postBatch('{"batchId": ');
    expect(response.status).toBe(400);
    expect(await countRows(database().db)).toEqual({ batches: 0, samples: 0 });
  });

  it('answers a body over 8 MiB with 413 and stores nothing', async () => {
    await seedAgentToken(database().db);
    const response = await postBatch(JSON.stringify({ padding: 'x'.repeat(9 * 1024 * 1024) }));
    expect(response.status).toBe(413);
    expect(await countRows(database().db)).toEqual({ batches: 0, samples: 0 });
  });

  it('answers a batch without a token with 401', async () => {
    await seedAgentToken(database().db);
    const response = await postBatch(batch(), null);
    const body = (await response.json()) as { error: { message: string } };
    expect({ status: response.status, message: body.error.message }).toEqual({
      status: 401,
      message: 'agent token missing or revoked',
    });
  });

  it('serves topology.get over GET to a session cookie, and 401 without one', async () => {
    const session = await signedInAs(database().db, 'viewer');
    const input = encodeURIComponent(JSON.stringify(SEED_WINDOW));
    const response = await fetch(url(`/trpc/topology.get?input=${input}`), { headers: { cookie: `kinsight_session=${session}` } });
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 200,
      body: { result: { data: { ...SEED_WINDOW, nodes: [], edges: [] } } },
    });
    const anonymous = await fetch(url(`/trpc/topology.get?input=${input}`));
    expect(anonymous.status).toBe(401);
  });

  it('answers /readyz with 200 once every migration is applied, with security headers', async () => {
    const response = await fetch(url('/readyz'));
    // every committed migration, however many there are now
    const committed = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length;
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { status: 'ready', migrations: committed } });
    expect({
      nosniff: response.headers.get('x-content-type-options'),
      frame: response.headers.get('x-frame-options'),
      csp: response.headers.get('content-security-policy'),
    }).toEqual({ nosniff: 'nosniff', frame: 'DENY', csp: "default-src 'none'; frame-ancestors 'none'" });
  });

  it('counts sign-in failures per forwarded client, so one guesser does not lock out the dashboard', async () => {
    const signIn = (username: string, forwardedFor: string) =>
      fetch(url('/trpc/auth.signIn'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kinsight-csrf': '1', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ username, password: 'not the password at all' }),
      });
    // The test client is on loopback, a trusted proxy by default, like the dashboard's server.
    for (let i = 0; i < 5; i++) expect((await signIn(`guess${i}`, '198.51.100.7')).status).toBe(401);
    expect((await signIn('guess5', '198.51.100.7')).status).toBe(429);
    // The proxy's chain: only the rightmost entry (what the proxy saw) counts, not what the client claimed.
    expect((await signIn('guess6', '198.51.100.9, 198.51.100.7')).status).toBe(429);
    expect((await signIn('someone', '198.51.100.8')).status).toBe(401);
  });

  it('answers an unknown path with 404 naming the routes it serves', async () => {
    const response = await fetch(url('/nope'));
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 404,
      body: { error: 'no route GET /nope; the API serves /trpc, /healthz, /readyz and /metrics' },
    });
  });
});

describe.each(TEST_DATABASE_KINDS)('HTTP backpressure on %s', (kind) => {
  const database = useTestDatabase(kind);

  it('answers 429 with Retry-After while the in-flight cap is taken, and stores the batch when retried', async () => {
    const { db } = database();
    await seedAgentToken(db);
    const limiter = new IngestLimiter({ maxInFlight: 1, maxPoolWaiting: 0, retryAfterSeconds: 2, poolWaiting: () => 0 });
    const api = await startApiServer(testInner(db, { ingestLimiter: limiter }), '127.0.0.1', 0);
    try {
      const sent = JSON.stringify(batch());
      const post = () =>
        fetch(`${api.url}/trpc/ingest.batch`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT_TOKEN}` }, body: sent,
        });
      const release = limiter.enter();
      const refused = await post();
      const body = (await refused.json()) as { error: { message: string; data: { retryAfterSeconds?: number } } };
      expect({ status: refused.status, retryAfter: refused.headers.get('retry-after'), data: body.error.data.retryAfterSeconds }).toEqual({
        status: 429, retryAfter: '2', data: 2,
      });
      expect(await countRows(db)).toEqual({ batches: 0, samples: 0 });
      release();
      expect((await post()).status).toBe(200);
      expect(await countRows(db)).toEqual({ batches: 1, samples: 1 });
    } finally {
      await api.close();
    }
  });
});

describe('HTTP server with a database that does not answer', () => {
  it('answers /healthz with 503', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kinsight-closed-'));
    const handle = await createDatabase({ kind: 'pglite', dataDir: join(dir, 'db') });
    const api = await startApiServer(testInner(handle.db), '127.0.0.1', 0);
    try {
      await handle.close();
      const response = await fetch(`${api.url}/healthz`);
      expect({ status: response.status, body: await response.json() }).toEqual({
        status: 503,
        body: { status: 'unavailable', reason: 'database did not answer select 1' },
      });
    } finally {
      await api.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
