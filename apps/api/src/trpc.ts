import { initTRPC, TRPCError } from '@trpc/server';
import { type Logger } from 'pino';
import { z, ZodError, ZodRealError } from 'zod';
import { findActiveAgentToken } from './agent-tokens.js';
import { findSession, type SessionUser } from './auth.js';
import { BackpressureError, type IngestLimiter } from './backpressure.js';
import { type Database } from './db/client.js';
import { type RecentlySeen } from './ingest-store.js';
import { type FailureLimiter } from './rate-limit.js';

export interface Clock {
  /** epoch milliseconds */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** What every procedure needs; tests build this directly. */
export interface InnerContext {
  db: Database;
  clock: Clock;
  log: Logger;
  ingestLimiter: IngestLimiter;
  recentEntities: RecentlySeen;
  signInLimiter: FailureLimiter;
  /** Local demo only (KINSIGHT_DEMO_SIGNIN on a loopback host): requests without a session act as this admin. */
  demoUser: string | null;
  /** add `Secure` to the session cookie (behind TLS) */
  secureCookies: boolean;
}

/** Per request: the inner context plus what the caller presented. */
export interface Context extends InnerContext {
  agentToken: string | null;
  sessionToken: string | null;
  /** the request carried `x-kinsight-csrf: 1`, which no other site can make a browser send */
  csrfHeader: boolean;
  /** where sign-in failures are counted, with the username */
  clientAddress: string;
  setCookie(cookie: string): void;
}

/** `Authorization: Bearer <token>` → token; anything else → null. */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}

/** `edges[3].bucketStart`: the zod path as a person writes it. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('') || '(input)';
}

export function describeIssues(error: ZodError): string {
  return `invalid input: ${error.issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`).join('; ')}`;
}

const t = initTRPC.context<Context>().create({
  // Never let stack traces reach clients, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    const { stack: _stack, ...data } = shape.data;
    let message = shape.message;
    if (zodError) message = describeIssues(zodError);
    else if (error.code === 'INTERNAL_SERVER_ERROR') message = 'internal error; the API log has the details';
    const retryAfterSeconds = error.cause instanceof BackpressureError ? error.cause.retryAfterSeconds : undefined;
    return {
      ...shape,
      message,
      data: {
        ...data,
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
        zodError: zodError ? z.flattenError(zodError) : null,
        issues: zodError ? zodError.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message })) : null,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Only auth.signIn (and, with its own token, ingest) answer without a session. */
export const publicProcedure = t.procedure;

async function sessionOf(ctx: Context): Promise<SessionUser | null> {
  if (ctx.sessionToken) {
    const session = await findSession(ctx.db, ctx.sessionToken, ctx.clock.now());
    if (session) return session;
  }
  return ctx.demoUser ? { userId: null, username: ctx.demoUser, role: 'admin', demo: true } : null;
}

/** Any signed-in user. Mutations must also carry the CSRF header (SameSite=Strict is the first line). */
export const viewerProcedure = t.procedure.use(async ({ ctx, next, type }) => {
  const user = await sessionOf(ctx);
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first: no valid session cookie' });
  if (type === 'mutation' && !ctx.csrfHeader && !user.demo) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'mutation without the x-kinsight-csrf: 1 header refused (CSRF protection)' });
  }
  return next({ ctx: { user } });
});

export const adminProcedure = viewerProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') {
    throw new TRPCError({ code: 'FORBIDDEN', message: `user ${ctx.user.username} is a viewer; this needs the admin role` });
  }
  return next();
});

/** Requires a bearer token whose sha256 matches a non-revoked agent_tokens row. */
export const agentProcedure = t.procedure.use(async ({ ctx, next }) => {
  const token = ctx.agentToken ? await findActiveAgentToken(ctx.db, ctx.agentToken) : null;
  if (!token) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'agent token missing or revoked' });
  return next({ ctx: { agentTokenName: token.name } });
});

/** A BAD_REQUEST shaped like an input validation error, for checks zod cannot make alone (the clock). */
export function badInput(path: (string | number)[], message: string, input: unknown): TRPCError {
  // ZodRealError is the Error subclass zod throws from parse; tRPC keeps only Error causes.
  const cause = new ZodRealError([{ code: 'custom', path, message, input }]);
  return new TRPCError({ code: 'BAD_REQUEST', message: describeIssues(cause), cause });
}
