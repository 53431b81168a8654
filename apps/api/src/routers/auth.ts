import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { checkPassword, createSession, deleteSession, SESSION_TTL_MS, sessionCookie } from '../auth.js';
import { publicProcedure, viewerProcedure } from '../trpc.js';

export const usernameSchema = z.string().min(1).max(64).regex(/^[a-z0-9._-]+$/, { error: 'may hold only a-z 0-9 . _ -' });

export const authRouter = {
  /** The one procedure that answers without a session. */
  signIn: publicProcedure
    .input(z.strictObject({ username: usernameSchema, password: z.string().min(1).max(1024) }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock.now();
      const userKey = `user:${input.username}`;
      const addressKey = `addr:${ctx.clientAddress}`;
      await ctx.signInLimiter.sweep(ctx.db, now);
      // Counted before the (slow) password check, in the database every replica shares.
      const wait = await ctx.signInLimiter.attempt(ctx.db, [userKey, addressKey], now);
      if (wait > 0) {
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `too many failed sign-ins for ${input.username} or from this address; try again in ${Math.ceil(wait / 1000)} s`,
        });
      }
      const user = await checkPassword(ctx.db, input.username, input.password);
      if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'wrong username or password' });
      await ctx.signInLimiter.succeeded(ctx.db, { reset: [userKey], release: [addressKey] });
      const token = await createSession(ctx.db, user.id, now);
      ctx.setCookie(sessionCookie(token, SESSION_TTL_MS, ctx.secureCookies));
      ctx.log.info({ username: input.username }, 'signed in');
      return { username: input.username, role: user.role };
    }),

  signOut: viewerProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await deleteSession(ctx.db, ctx.sessionToken);
    ctx.setCookie(sessionCookie('', 0, ctx.secureCookies));
    return { signedOut: true };
  }),

  me: viewerProcedure.query(({ ctx }) => ({ username: ctx.user.username, role: ctx.user.role, demo: ctx.user.demo })),
} satisfies TRPCRouterRecord;
