import { z } from 'zod';
import { STATUS_CLASSES, type NodeRef, type StatusClass } from './model.js';

/** 1..max characters without control characters (PostgreSQL text cannot hold NUL). */
export function printableText(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, { error: 'must not contain control characters' });
}

/** Wire validation for a node reference; limits follow DNS names and IPv6-with-port addresses. */
export const nodeRefSchema: z.ZodType<NodeRef> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('service'), name: printableText(253) }),
  z.object({ kind: z.literal('external'), address: printableText(64) }),
]);

export const statusClassSchema: z.ZodType<StatusClass> = z.enum(STATUS_CLASSES);
