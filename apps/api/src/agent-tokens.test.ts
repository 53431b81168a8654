import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findActiveAgentToken, hashAgentToken, registerAgentToken, revokeAgentToken } from './agent-tokens.js';
import { agentTokens } from './db/schema.js';
import { TEST_DATABASE_KINDS, useTestDatabase } from './testing/databases.js';
import { NOW } from './testing/fixtures.js';

describe('hashAgentToken', () => {
  it('is the hex sha256 of the token', () => {
    expect(hashAgentToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe.each(TEST_DATABASE_KINDS)('agent tokens on %s', (kind) => {
  const database = useTestDatabase(kind);

  it('stores only the hash, once, and finds it by the token', async () => {
    const { db } = database();
    expect(await registerAgentToken(db, 'default', 'tok-1')).toBe('registered');
    expect(await registerAgentToken(db, 'default', 'tok-1')).toBe('already-registered');
    const rows = await db.select({ name: agentTokens.name, tokenSha256: agentTokens.tokenSha256 }).from(agentTokens);
    expect(rows).toEqual([{ name: 'default', tokenSha256: hashAgentToken('tok-1') }]);
    expect(await findActiveAgentToken(db, 'tok-1')).toMatchObject({ name: 'default' });
    expect(await findActiveAgentToken(db, 'tok-2')).toBeNull();
  });

  it('keeps a revoked token revoked when it is registered again', async () => {
    const { db } = database();
    await registerAgentToken(db, 'default', 'tok-1');
    await revokeAgentToken(db, 'tok-1', new Date(NOW));
    expect(await registerAgentToken(db, 'default', 'tok-1')).toBe('revoked');
    expect(await findActiveAgentToken(db, 'tok-1')).toBeNull();
    const [row] = await db
      .select({ revokedAt: agentTokens.revokedAt })
      .from(agentTokens)
      .where(eq(agentTokens.tokenSha256, hashAgentToken('tok-1')));
    expect(row).toEqual({ revokedAt: new Date(NOW) });
  });
});
