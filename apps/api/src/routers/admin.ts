import { randomBytes } from 'node:crypto';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { hashAgentToken } from '../agent-tokens.js';
import { createUser, passwordProblem } from '../auth.js';
import { agentTokens, ROLES, sessions, users } from '../db/schema.js';
import { adminProcedure } from '../trpc.js';
import { usernameSchema } from './auth.js';

const password = z.string().superRefine((value, ctx) => {
  const problem = passwordProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Users: admins only. */
export const usersRouter = {
  list: adminProcedure.query(({ ctx }) =>
    ctx.db
      .select({ id: users.id, username: users.username, role: users.role, createdAt: users.createdAt, disabledAt: users.disabledAt })
      .from(users)
      .orderBy(asc(users.username)),
  ),
  create: adminProcedure
    .input(z.strictObject({ username: usernameSchema, password, role: z.enum(ROLES) }))
    .mutation(async ({ ctx, input }) => {
      const [taken] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, input.username));
      if (taken) throw new TRPCError({ code: 'CONFLICT', message: `user ${input.username} already exists` });
      return createUser(ctx.db, input.username, input.password, input.role);
    }),
  /** Disabling ends the user's sessions at once. */
  disable: adminProcedure.input(z.strictObject({ username: usernameSchema })).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.db
      .update(users)
      .set({ disabledAt: new Date(ctx.clock.now()) })
      .where(eq(users.username, input.username))
      .returning({ id: users.id });
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `user ${input.username} not found` });
    await ctx.db.delete(sessions).where(eq(sessions.userId, row.id));
    return { disabled: input.username };
  }),
} satisfies TRPCRouterRecord;

/** Agent tokens: admins only; the token is shown once, at creation. */
export const agentTokensRouter = {
  list: adminProcedure.query(({ ctx }) =>
    ctx.db
      .select({ id: agentTokens.id, name: agentTokens.name, createdAt: agentTokens.createdAt, revokedAt: agentTokens.revokedAt })
      .from(agentTokens)
      .orderBy(asc(agentTokens.createdAt)),
  ),
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
