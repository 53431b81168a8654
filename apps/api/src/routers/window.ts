import { z } from 'zod';

export const MAX_WINDOW_MS = 7 * 24 * 3600_000;

/** A query window in epoch ms: from inclusive, to exclusive, at most 7 days. */
export const timeWindow = {
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
};

/** Checks that only make sense once every field parsed: one bad field, one issue. */
export const whenValid = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

export function refineWindow<T extends { from: number; to: number }>(schema: z.ZodType<T>) {
  return schema
    .refine((w) => w.from < w.to, { error: 'must be after from', path: ['to'], ...whenValid })
    .refine((w) => w.to - w.from <= MAX_WINDOW_MS, { error: 'window must span at most 7 days', path: ['to'], ...whenValid });
}
