import { describe, expect, it } from 'vitest';
import { bootstrapAdmin, createUser } from './auth.js';
import { createCaller } from './root.js';
import { describeKind, rawRows, TEST_DATABASE_KINDS, useTestDatabase } from './testing/databases.js';
import { rejectionOf } from './testing/errors.js';
import { NOW, testContext } from './testing/fixtures.js';
import { type Database } from './db/client.js';
import { sql } from 'drizzle-orm';

const PASSWORD = 'a long enough password';
const WINDOW_MS = 15 * 60_000;

/**
 * An API replica: its own inner context (and so its own FailureLimiter instance) over the shared
 * database, seen from one client address, at a clock the test sets.
 */
function replica(db: Database, clientAddress = '192.0.2.10', at: () => number = () => NOW) {
  return createCaller({ ...testContext(db, { agentToken: null, inner: { clock: { now: at } } }), clientAddress });
}

async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch {
    return (await rejectionOf(call)).code;
  }
}

describe.each(TEST_DATABASE_KINDS)('sign-in rate limit shared through the database on %s', (kind) => {
  const database = useTestDatabase(kind);

  it(`counts failures on one replica against the limit on another (${describeKind(kind)})`, async () => {
    const { db } = database();
    await bootstrapAdmin(db, 'root', PASSWORD);
    const [a, b] = [replica(db), replica(db)];
    for (let i = 0; i < 3; i++) expect(await outcome(a.auth.signIn({ username: 'root', password: 'wrong password!' }))).toBe('UNAUTHORIZED');
    for (let i = 0; i < 2; i++) expect(await outcome(b.auth.signIn({ username: 'root', password: 'wrong password!' }))).toBe('UNAUTHORIZED');
    // Five failures over two replicas: the right password is refused on either one.
    const error = await rejectionOf(b.auth.signIn({ username: 'root', password: PASSWORD }));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'TOO_MANY_REQUESTS',
      message: 'too many failed sign-ins for root or from this address; try again in 900 s',
    });
    expect(await outcome(a.auth.signIn({ username: 'root', password: PASSWORD }))).toBe('TOO_MANY_REQUESTS');
  });

  it('lets at most 5 of 12 concurrent guesses over two replicas reach the password check', async () => {
    const { db } = database();
    await bootstrapAdmin(db, 'root', PASSWORD);
    const [a, b] = [replica(db), replica(db)];
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => outcome((i % 2 ? a : b).auth.signIn({ username: 'root', password: 'wrong password!' }))),
    );
    expect(results.filter((r) => r === 'UNAUTHORIZED')).toHaveLength(5);
    expect(results.filter((r) => r === 'TOO_MANY_REQUESTS')).toHaveLength(7);
  });

  it('limits an address across usernames, and a good password gives its attempt back', async () => {
    const { db } = database();
    await bootstrapAdmin(db, 'root', PASSWORD);
    await createUser(db, 'alice', 'alice password 1', 'viewer');
    const [a, b] = [replica(db, '198.51.100.7'), replica(db, '198.51.100.7')];
    // Many good sign-ins from one address (a NAT) never add up to a block.
    for (let i = 0; i < 8; i++) expect(await outcome((i % 2 ? a : b).auth.signIn({ username: 'alice', password: 'alice password 1' }))).toBe('OK');
    for (let i = 0; i < 5; i++) {
      expect(await outcome((i % 2 ? a : b).auth.signIn({ username: `guess-${i}`, password: 'wrong password!' }))).toBe('UNAUTHORIZED');
    }
    expect(await outcome(a.auth.signIn({ username: 'root', password: PASSWORD }))).toBe('TOO_MANY_REQUESTS');
    // Another address may still sign root in: the account itself has no failures.
    expect(await outcome(replica(db, '203.0.113.5').auth.signIn({ username: 'root', password: PASSWORD }))).toBe('OK');
  });

  it('opens again when the window ends, and keeps only live windows in the table', async () => {
    const { db } = database();
    await bootstrapAdmin(db, 'root', PASSWORD);
    let now = NOW;
    const a = replica(db, '192.0.2.10', () => now);
    for (let i = 0; i < 6; i++) await outcome(a.auth.signIn({ username: 'root', password: 'wrong password!' }));
    now = NOW + WINDOW_MS - 1000;
    const error = await rejectionOf(a.auth.signIn({ username: 'root', password: PASSWORD }));
    expect(error.message).toBe('too many failed sign-ins for root or from this address; try again in 1 s');
    now = NOW + WINDOW_MS;
    expect(await outcome(replica(db, '192.0.2.10', () => now).auth.signIn({ username: 'root', password: PASSWORD }))).toBe('OK');
    // root's key was reset by the good password; the address's window started again at `now`.
    expect(await rawRows(db, sql`select key, attempts from sign_in_attempts order by key`)).toEqual([{ key: 'addr:192.0.2.10', attempts: 0 }]);
    now = NOW + 2 * WINDOW_MS;
    await outcome(replica(db, '203.0.113.9', () => now).auth.signIn({ username: 'nobody', password: 'wrong password!' }));
    expect(await rawRows(db, sql`select key from sign_in_attempts order by key`)).toEqual([{ key: 'addr:203.0.113.9' }, { key: 'user:nobody' }]);
  });
});
