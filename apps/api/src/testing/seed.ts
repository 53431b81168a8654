import { type Database } from '../db/client.js';
import { NOW, batch, callerFor, edge, seedAgentToken } from './fixtures.js';

/** The window the seed is built around: the 10 minutes (600 s) before NOW. */
export const SEED_WINDOW = { from: NOW - 600_000, to: NOW };

const checkout = { kind: 'service', name: 'checkout' } as const;
const frontend = { kind: 'service', name: 'frontend' } as const;
const bank = { kind: 'external', address: '10.0.0.9:8443' } as const;

/**
 * Through the real ingest endpoint, from two agents:
 * - frontend → checkout: 300 ok at from, 12 failing at from+300 s, 288 ok at to-10 s (600 requests, 12 errors,
 *   7080 ms latency in total), plus 1000 requests just before the window and 1000 at its exclusive end;
 * - checkout → 10.0.0.9:8443: 60 ok at from+300 s taking 1500 ms each.
 */
export async function seedShop(db: Database): Promise<void> {
  await seedAgentToken(db);
  const caller = callerFor(db);
  await caller.ingest.batch(
    batch([
      edge({ client: frontend, server: checkout, bucketStart: NOW - 600_000, requests: 300, latencySumMs: 3000 }),
      edge({ client: frontend, server: checkout, bucketStart: NOW - 300_000, statusClass: '5xx', requests: 12, errors: 12, latencySumMs: 1200 }),
      edge({ client: frontend, server: checkout, bucketStart: NOW - 610_000, requests: 1000, latencySumMs: 1000 }),
      edge({ client: checkout, server: bank, bucketStart: NOW - 300_000, requests: 60, latencySumMs: 90_000 }),
    ]),
  );
  await caller.ingest.batch(
    batch(
      [
        edge({ client: frontend, server: checkout, bucketStart: NOW - 10_000, requests: 288, latencySumMs: 2880 }),
        edge({ client: frontend, server: checkout, bucketStart: NOW, requests: 1000, latencySumMs: 1000 }),
      ],
      { agent: { id: 'node-b', hostname: 'node-b', version: '0.1.0' } },
    ),
  );
}
