/**
 * Pure helpers of the admin page: what the API says went wrong, in one sentence, and the checks a
 * form can make before it asks (the API makes them again; these only save a round trip).
 */

interface TrpcErrorShape {
  message?: unknown;
  data?: { code?: unknown; issues?: unknown } | null;
}

/** The tRPC error code (`UNAUTHORIZED`, `FORBIDDEN` …) of a failed call, or null. */
export function errorCode(error: unknown): string | null {
  const code = (error as TrpcErrorShape | null)?.data?.code;
  return typeof code === 'string' ? code : null;
}

/** A message a person can act on: the API's own words, zod issues by field, never a stack. */
export function describeError(error: unknown): string {
  const shape = error as TrpcErrorShape | null;
  const issues = shape?.data?.issues;
  if (Array.isArray(issues) && issues.length > 0) {
    return issues
      .map((issue: { path?: unknown; message?: unknown }) => `${typeof issue.path === 'string' ? issue.path : 'input'}: ${String(issue.message)}`)
      .join('; ');
  }
  const message = typeof shape?.message === 'string' ? shape.message : '';
  return message.trim() || 'the request failed; try again';
}

export const USERNAME_PATTERN = /^[a-z0-9._-]{1,64}$/;
export const MIN_PASSWORD_LENGTH = 12;

/** What is wrong with a new user's fields, or null when the API should accept them. */
export function newUserProblem(username: string, password: string): string | null {
  if (!USERNAME_PATTERN.test(username)) return 'username: 1–64 characters of a-z 0-9 . _ -';
  if (password.length < MIN_PASSWORD_LENGTH) return `password: at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 1024) return 'password: at most 1024 characters';
  return null;
}

/** What is wrong with an agent token's name, or null. */
export function tokenNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return 'name: say which agent or script will use it';
  if (trimmed.length > 64) return 'name: at most 64 characters';
  return null;
}

/** `25 Nov 2026, 14:05` in the viewer's time zone (UTC in tests). */
export function formatWhen(epochMs: number, timeZone?: string): string {
  return new Date(epochMs).toLocaleString('en-GB', {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', ...(timeZone ? { timeZone } : {}),
  });
}
