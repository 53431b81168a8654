import { describe, expect, it } from 'vitest';
import { createCaller } from '../root.js';
import { describeKind, TEST_DATABASE_KINDS, useTestDatabase } from '../testing/databases.js';
import { rejectionOf } from '../testing/errors.js';
import { signedInAs, testContext, userCaller } from '../testing/fixtures.js';
import { type Database } from '../db/client.js';

async function sessionOf(db: Database, username: string, password: string) {
  const cookies: string[] = [];
  await createCaller(testContext(db, { agentToken: null, cookies })).auth.signIn({ username, password });
  const token = (cookies[0] ?? '').split(';')[0]?.split('=')[1] ?? '';
  return createCaller(testContext(db, { agentToken: null, sessionToken: token }));
}

const failure = async (call: Promise<unknown>) => {
  const error = await rejectionOf(call);
  return { code: error.code, message: error.message };
};

describe.each(TEST_DATABASE_KINDS)('users and agent tokens administration on %s', (kind) => {
  const database = useTestDatabase(kind);

  it(`changes a role, which the user's open session sees on its next request (${describeKind(kind)})`, async () => {
    const { db } = database();
    const admin = await userCaller(db, 'admin');
    await admin.users.create({ username: 'alice', password: 'alice password 1', role: 'viewer' });
    const alice = await sessionOf(db, 'alice', 'alice password 1');
    expect((await rejectionOf(alice.users.list())).code).toBe('FORBIDDEN');
    expect(await admin.users.setRole({ username: 'alice', role: 'admin' })).toEqual({ username: 'alice', role: 'admin' });
    expect(await alice.auth.me()).toEqual({ username: 'alice', role: 'admin', demo: false });
    expect((await alice.users.list()).map((u) => [u.username, u.role])).toEqual([['admin', 'admin'], ['alice', 'admin']]);
    await alice.users.setRole({ username: 'admin', role: 'viewer' });
    expect(await failure(admin.users.list())).toEqual({ code: 'FORBIDDEN', message: 'user admin is a viewer; this needs the admin role' });
  });

  it('disables and enables a user, and deletes one, which ends its sessions', async () => {
    const { db } = database();
    const admin = await userCaller(db, 'admin');
    await admin.users.create({ username: 'bob', password: 'bob password 12', role: 'viewer' });
    await admin.users.disable({ username: 'bob' });
    expect(await failure(sessionOf(db, 'bob', 'bob password 12'))).toEqual({ code: 'UNAUTHORIZED', message: 'wrong username or password' });
    expect(await admin.users.enable({ username: 'bob' })).toEqual({ enabled: 'bob' });
    const bob = await sessionOf(db, 'bob', 'bob password 12');
    expect((await bob.auth.me()).username).toBe('bob');
    expect(await admin.users.delete({ username: 'bob' })).toEqual({ deleted: 'bob' });
    expect((await rejectionOf(bob.auth.me())).code).toBe('UNAUTHORIZED');
    expect((await admin.users.list()).map((u) => u.username)).toEqual(['admin']);
    expect(await failure(admin.users.delete({ username: 'bob' }))).toEqual({ code: 'NOT_FOUND', message: 'user bob not found' });
  });

  it('refuses an admin changing themself and removing the last enabled admin', async () => {
    const { db } = database();
    const admin = await userCaller(db, 'admin');
    for (const [change, call] of [
      ['demote', () => admin.users.setRole({ username: 'admin', role: 'viewer' })],
      ['disable', () => admin.users.disable({ username: 'admin' })],
      ['delete', () => admin.users.delete({ username: 'admin' })],
    ] as const) {
      expect(await failure(call())).toEqual({ code: 'FORBIDDEN', message: `you cannot ${change} yourself (admin); ask another admin` });
    }
    // The local demo's admin has no user row: only the last-admin rule stands between it and a lockout.
    const demo = createCaller(testContext(db, { agentToken: null, inner: { demoUser: 'local' } }));
    expect(await failure(demo.users.delete({ username: 'admin' }))).toEqual({
      code: 'FORBIDDEN', message: 'cannot delete admin: it is the last enabled admin',
    });
    await signedInAs(db, 'admin', 'second');
    expect(await demo.users.disable({ username: 'admin' })).toEqual({ disabled: 'admin' });
    expect(await failure(demo.users.setRole({ username: 'second', role: 'viewer' }))).toEqual({
      code: 'FORBIDDEN', message: 'cannot demote second: it is the last enabled admin',
    });
  });

  it('lists agent tokens with the admin who made them and never their secret', async () => {
    const { db } = database();
    const admin = await userCaller(db, 'admin');
    const created = await admin.agentTokens.create({ name: 'node-a' });
    const listed = await admin.agentTokens.list();
    expect(listed.map(({ name, createdBy, revokedAt }) => ({ name, createdBy, revokedAt }))).toEqual([{ name: 'node-a', createdBy: 'admin', revokedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(await failure(admin.agentTokens.revoke({ id: created.id }).then(() => admin.agentTokens.revoke({ id: created.id })))).toEqual({
      code: 'NOT_FOUND', message: `agent token ${created.id} not found or already revoked`,
    });
  });
});
