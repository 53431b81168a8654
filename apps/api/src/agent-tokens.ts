import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { type Database } from './db/client.js';
import { agentTokens } from './db/schema.js';

export function hashAgentToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface AgentTokenRow {
  id: string;
  name: string;
}

/** The non-revoked token row whose hash matches, or null. */
export async function findActiveAgentToken(db: Database, token: string): Promise<AgentTokenRow | null> {
  const rows = await db
    .select({ id: agentTokens.id, name: agentTokens.name })
    .from(agentTokens)
    .where(and(eq(agentTokens.tokenSha256, hashAgentToken(token)), isNull(agentTokens.revokedAt)))
    .limit(1);
  return rows[0] ?? null;
}

export type RegisterResult = 'registered' | 'already-registered' | 'revoked';

/** Stores the token's hash under `name`; a revoked token stays revoked. */
export async function registerAgentToken(db: Database, name: string, token: string): Promise<RegisterResult> {
  const tokenSha256 = hashAgentToken(token);
  const inserted = await db
    .insert(agentTokens)
    .values({ name, tokenSha256 })
    .onConflictDoNothing({ target: agentTokens.tokenSha256 })
    .returning({ id: agentTokens.id });
  if (inserted.length > 0) return 'registered';
  const [existing] = await db
    .select({ revokedAt: agentTokens.revokedAt })
    .from(agentTokens)
    .where(eq(agentTokens.tokenSha256, tokenSha256));
  return existing?.revokedAt ? 'revoked' : 'already-registered';
}

export async function revokeAgentToken(db: Database, token: string, at: Date): Promise<void> {
  await db.update(agentTokens).set({ revokedAt: at }).where(eq(agentTokens.tokenSha256, hashAgentToken(token)));
}
