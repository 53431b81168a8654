import { initTRPC, TRPCError } from '@trpc/server';
import { type Logger } from 'pino';
import { z, ZodError, ZodRealError } from 'zod';
import { findActiveAgentToken } from './agent-tokens.js';
import { type Database } from './db/client.js';

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
}

/** Per request: the inner context plus the bearer token the caller sent, if any. */
export interface Context extends InnerContext {
  agentToken: string | null;
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
    return {
      ...shape,
      message,
      data: {
        ...data,
        zodError: zodError ? z.flattenError(zodError) : null,
        issues: zodError ? zodError.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message })) : null,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure;

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
