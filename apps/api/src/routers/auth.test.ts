import { describe, expect, it } from 'vitest';
import { bootstrapAdmin, verifyPassword } from '../auth.js';
import { users } from '../db/schema.js';
import { appRouter, createCaller } from '../root.js';
import { describeKind, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { issuePaths, rejectionOf } from '../testing/errors.js';
import { batch, callerFor, countRows, signedInAs, testContext, userCaller } from '../testing/fixtures.js';

const PROCEDURES = Object.keys(appRouter._def.procedures).sort();
const ADMIN_PROCEDURES = PROCEDURES.filter((p) => p.startsWith('users.') || p.startsWith('agentTokens.'));

type AnyProcedure = (input?: unknown) => Promise<unknown>;
function procedureOf(caller: object, path: string): AnyProcedure {
  let current: unknown = caller;
  for (const key of path.split('.')) current = (current as Record<string, unknown>)[key];
  if (typeof current !== 'function') throw new Error(`no procedure ${path}`);
  return current as AnyProcedure;
}

describe.each(TEST_DATABASE_KINDS)('auth on %s', (kind) => {
  const database = useTestDatabase(kind);

  it(`answers every procedure but auth.signIn with UNAUTHORIZED without a session (${describeKind(kind)})`, async () => {
    const caller = createCaller(testContext(database().db, { agentToken: null }));
    const outcomes: Record<string, string> = {};
    for (const path of PROCEDURES) {
      const error = await rejectionOf(procedureOf(caller, path)(undefined));
      outcomes[path] = error.code;
    }
    expect(outcomes).toEqual(Object.fromEntries(PROCEDURES.map((p) => [p, p === 'auth.signIn' ? 'BAD_REQUEST' : 'UNAUTHORIZED'])));
    expect(PROCEDURES).toContain('users.delete');
  });

  it('refuses a viewer every admin procedure with FORBIDDEN naming the role', async () => {
    const caller = await userCaller(database().db, 'viewer');
    expect(ADMIN_PROCEDURES).toEqual([
      'agentTokens.create', 'agentTokens.list', 'agentTokens.revoke',
      'users.create', 'users.delete', 'users.disable', 'users.enable', 'users.list', 'users.setRole',
    ]);
    for (const path of ADMIN_PROCEDURES) {
      const error = await rejectionOf(procedureOf(caller, path)(undefined));
      expect({ path, code: error.code, message: error.message }).toEqual({
        path, code: 'FORBIDDEN', message: 'user viewer is a viewer; this needs the admin role',
      });
    }
  });

  it('signs in with the right password, sets an HttpOnly SameSite=Strict cookie, and the session works', async () => {
    const { db } = database();
    await bootstrapAdmin(db, 'root', 'a long enough password');
    const [stored] = await db.select({ hash: users.passwordHash }).from(users);
    expect(stored?.hash.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('a long enough password', stored?.hash ?? '')).toBe(true);
    const cookies: string[] = [];
    const anonymous = createCaller(testContext(db, { agentToken: null, cookies }));
    expect(await anonymous.auth.signIn({ username: 'root', password: 'a long enough password' })).toEqual({ username: 'root', role: 'admin' });
    expect(cookies).toHaveLength(1);
    const cookie = cookies[0] ?? '';
    expect(cookie).toMatch(/^kinsight_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const token = cookie.slice('kinsight_session='.length, cookie.indexOf(';'));
    const session = createCaller(testContext(db, { agentToken: null, sessionToken: token }));
    expect(await session.auth.me()).toEqual({ username: 'root', role: 'admin', demo: false });
  });

  it('refuses a second bootstrap once a user exists', async () => {
    const { db } = database();
    await bootstrapAdmin(db, 'root', 'a long enough password');
    await expect(bootstrapAdmin(db, 'other', 'a long enough password')).rejects.toThrow(
      'bootstrap refused: users already exist; an admin creates further users from the dashboard or the users.create procedure',
    );
  });

  it('refuses a wrong password, then rate-limits after 5 failures even with the right one', async () => {
    const { db } = database();
    await bootstrapAdmin(db, 'root', 'a long enough password');
    const anonymous = createCaller(testContext(db, { agentToken: null }));
    for (let i = 0; i < 5; i++) {
      const error = await rejectionOf(anonymous.auth.signIn({ username: 'root', password: 'wrong password!' }));
      expect({ code: error.code, message: error.message }).toEqual({ code: 'UNAUTHORIZED', message: 'wrong username or password' });
    }
    const error = await rejectionOf(anonymous.auth.signIn({ username: 'root', password: 'a long enough password' }));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'TOO_MANY_REQUESTS',
      message: 'too many failed sign-ins for root or from this address; try again in 900 s',
    });
  });

  it('refuses a session mutation without the CSRF header', async () => {
    const { db } = database();
    const sessionToken = await signedInAs(db, 'admin');
    const caller = createCaller(testContext(db, { agentToken: null, sessionToken, csrfHeader: false }));
    const error = await rejectionOf(caller.agentTokens.create({ name: 'node-a' }));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'FORBIDDEN',
      message: 'mutation without the x-kinsight-csrf: 1 header refused (CSRF protection)',
    });
  });

  it('lets an admin create an agent token that ingests, and refuses it at once after revoke', async () => {
    const { db } = database();
    const admin = await userCaller(db, 'admin');
    const created = await admin.agentTokens.create({ name: 'node-a' });
    expect(created.token).toMatch(/^kst_[A-Za-z0-9_-]{32}$/);
    expect(await callerFor(db, created.token).ingest.batch(batch())).toMatchObject({ stored: 1 });
    expect(await admin.agentTokens.revoke({ id: created.id })).toEqual({ revoked: created.id });
    const error = await rejectionOf(callerFor(db, created.token).ingest.batch(batch()));
    expect({ code: error.code, message: error.message }).toEqual({ code: 'UNAUTHORIZED', message: 'agent token missing or revoked' });
    expect(await countRows(db)).toEqual({ batches: 1, samples: 1 });
    const listed = await admin.agentTokens.list();
    expect(listed.map((t) => ({ name: t.name, revoked: t.revokedAt !== null }))).toEqual([{ name: 'node-a', revoked: true }]);
  });

  it('lets an admin create a viewer and disable it, which ends its session', async () => {
    const { db } = database();
    const admin = await userCaller(db, 'admin');
    await admin.users.create({ username: 'alice', password: 'alice password 1', role: 'viewer' });
    const cookies: string[] = [];
    await createCaller(testContext(db, { agentToken: null, cookies })).auth.signIn({ username: 'alice', password: 'alice password 1' });
    const token = (cookies[0] ?? '').split(';')[0]?.split('=')[1] ?? '';
    const alice = createCaller(testContext(db, { agentToken: null, sessionToken: token }));
    expect(await alice.auth.me()).toEqual({ username: 'alice', role: 'viewer', demo: false });
    await admin.users.disable({ username: 'alice' });
    expect((await rejectionOf(alice.auth.me())).code).toBe('UNAUTHORIZED');
    const short = await rejectionOf(admin.users.create({ username: 'bob', password: 'short', role: 'viewer' }));
    expect({ code: short.code, paths: issuePaths(short) }).toEqual({ code: 'BAD_REQUEST', paths: ['password'] });
  });

  it('signs requests without a session in as the demo admin only when demo sign-in is on', async () => {
    const caller = createCaller(testContext(database().db, { agentToken: null, inner: { demoUser: 'local' } }));
    expect(await caller.auth.me()).toEqual({ username: 'local', role: 'admin', demo: true });
  });
});
