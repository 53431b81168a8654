import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { issuePath } from '../trpc.js';

/** The TRPCError a call rejected with; fails the test when it resolved or threw something else. */
export async function rejectionOf(call: Promise<unknown>): Promise<TRPCError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused, but it succeeded');
}

/** Paths of the zod issues behind a BAD_REQUEST, as `edges[0].requests`. */
export function issuePaths(error: TRPCError): string[] {
  return error.cause instanceof ZodError ? error.cause.issues.map((issue) => issuePath(issue.path)) : [];
}
