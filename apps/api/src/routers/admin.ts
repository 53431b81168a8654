import { randomBytes } from 'node:crypto';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { and, asc, count, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { hashAgentToken } from '../agent-tokens.js';
import { createUser, passwordProblem, type SessionUser } from '../auth.js';
import { agentTokens, ROLES, sessions, users } from '../db/schema.js';
import { adminProcedure, type Context } from '../trpc.js';
import { usernameSchema } from './auth.js';

const password = z.string().superRefine((value, ctx) => {
  const problem = passwordProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Users: admins only. */
export const usersRouter = {
  /** Times are epoch ms: JSON has no dates. */
  list: adminProcedure.query(async ({ ctx }) => {
    const rows = await ctx.db
      .select({ id: users.id, username: users.username, role: users.role, createdAt: users.createdAt, disabledAt: users.disabledAt })
      .from(users)
      .orderBy(asc(users.username));
    return rows.map((row) => ({ ...row, createdAt: row.createdAt.getTime(), disabledAt: row.disabledAt?.getTime() ?? null }));
  }),
  create: adminProcedure
    .input(z.strictObject({ username: usernameSchema, password, role: z.enum(ROLES) }))
    .mutation(async ({ ctx, input }) => {
      const [taken] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, input.username));
      if (taken) throw new TRPCError({ code: 'CONFLICT', message: `user ${input.username} already exists` });
      return createUser(ctx.db, input.username, input.password, input.role);
    }),
  /** Takes effect on the user's next request: sessions read the role from the users table. */
  setRole: adminProcedure.input(z.strictObject({ username: usernameSchema, role: z.enum(ROLES) })).mutation(async ({ ctx, input }) => {
    const target = await changeableUser(ctx, ctx.user, input.username, input.role === 'admin' ? null : 'demote');
    await ctx.db.update(users).set({ role: input.role }).where(eq(users.id, target.id));
    return { username: input.username, role: input.role };
  }),
  /** Disabling ends the user's sessions at once. */
  disable: adminProcedure.input(z.strictObject({ username: usernameSchema })).mutation(async ({ ctx, input }) => {
    const target = await changeableUser(ctx, ctx.user, input.username, 'disable');
    await ctx.db.update(users).set({ disabledAt: new Date(ctx.clock.now()) }).where(eq(users.id, target.id));
    await ctx.db.delete(sessions).where(eq(sessions.userId, target.id));
    return { disabled: input.username };
  }),
  enable: adminProcedure.input(z.strictObject({ username: usernameSchema })).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.db.update(users).set({ disabledAt: null }).where(eq(users.username, input.username)).returning({ id: users.id });
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `user ${input.username} not found` });
    return { enabled: input.username };
  }),
  /** Deleting ends the user's sessions (they cascade); agent tokens the user made stay valid. */
  delete: adminProcedure.input(z.strictObject({ username: usernameSchema })).mutation(async ({ ctx, input }) => {
    const target = await changeableUser(ctx, ctx.user, input.username, 'delete');
    await ctx.db.delete(users).where(eq(users.id, target.id));
    return { deleted: input.username };
  }),
} satisfies TRPCRouterRecord;

/** Agent tokens: admins only; the token is shown once, at creation. */
export const agentTokensRouter = {
  /** `createdBy` is the creating admin's username; null for KINSIGHT_AGENT_TOKEN or a deleted user. */
  list: adminProcedure.query(async ({ ctx }) => {
    const rows = await ctx.db
      .select({
        id: agentTokens.id, name: agentTokens.name, createdAt: agentTokens.createdAt, revokedAt: agentTokens.revokedAt, createdBy: users.username,
      })
      .from(agentTokens)
      .leftJoin(users, eq(users.id, agentTokens.createdBy))
      .orderBy(asc(agentTokens.createdAt), asc(agentTokens.name));
    return rows.map((row) => ({ ...row, createdAt: row.createdAt.getTime(), revokedAt: row.revokedAt?.getTime() ?? null }));
  }),
  create: adminProcedure.input(z.strictObject({ name: z.string().min(1).max(64) })).mutation(async ({ ctx, input }) => {
    const token = `kst_${randomBytes(24).toString('base64url')}`;
    const [row] = await ctx.db
      .insert(agentTokens)
      .values({ name: input.name, tokenSha256: hashAgentToken(token), createdBy: ctx.user.userId })
      .returning({ id: agentTokens.id });
    if (!row) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'agent token insert returned no row' });
    return { id: row.id, name: input.name, token };
  }),
  /** Ingest checks the token on every batch, so a revoked token is refused from the next request on. */
  revoke: adminProcedure.input(z.strictObject({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.db
      .update(agentTokens)
      .set({ revokedAt: new Date(ctx.clock.now()) })
      .where(and(eq(agentTokens.id, input.id), isNull(agentTokens.revokedAt)))
      .returning({ id: agentTokens.id });
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `agent token ${input.id} not found or already revoked` });
    return { revoked: input.id };
  }),
} satisfies TRPCRouterRecord;

/**
 * The user an admin may demote, disable or delete: never the admin themself (ask another admin,
 * so nobody locks themself out by a slip) and never the last enabled admin.
 */
async function changeableUser(ctx: Pick<Context, 'db'>, actor: SessionUser, username: string, change: 'demote' | 'disable' | 'delete' | null): Promise<{ id: string }> {
  const [target] = await ctx.db
    .select({ id: users.id, role: users.role, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.username, username));
  if (!target) throw new TRPCError({ code: 'NOT_FOUND', message: `user ${username} not found` });
  if (change === null) return target;
  if (target.id === actor.userId) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `you cannot ${change} yourself (${username}); ask another admin` });
  }
  if (target.role === 'admin' && target.disabledAt === null) {
    const [others] = await ctx.db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'admin'), isNull(users.disabledAt), ne(users.id, target.id)));
    if ((others?.n ?? 0) === 0) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `cannot ${change} ${username}: it is the last enabled admin` });
    }
  }
  return target;
}
