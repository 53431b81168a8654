import { nodeRefSchema, printableText, statusClassSchema } from '@kinsight/topology';
import { z } from 'zod';

export const MAX_EDGES_PER_BATCH = 10_000;
export const BUCKET_MS = 10_000;
/** Agents' clocks drift; a bucket further ahead than this is a broken clock, not drift. */
export const MAX_FUTURE_MS = 5 * 60_000;

// RFC 9110 token characters: what an HTTP method may be made of.
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const epochMs = z.number().int().nonnegative();

export const edgeSampleInput = z.object({
  bucketStart: epochMs.multipleOf(BUCKET_MS, { error: `must be a multiple of ${BUCKET_MS} ms` }),
  bucketSeconds: z.literal(BUCKET_MS / 1000),
  client: nodeRefSchema,
  server: nodeRefSchema,
  protocol: z.literal('http1'),
  method: z.string().min(1).max(32).regex(HTTP_TOKEN, { error: 'must be an HTTP token (letters, digits, !#$%&\'*+-.^_`|~)' }),
  statusClass: statusClassSchema,
  requests: z.number().int().min(1),
  errors: z.number().int().min(0),
  latencySumMs: z.number().nonnegative(),
  latencyMaxMs: z.number().nonnegative(),
}).refine((edge) => edge.errors <= edge.requests, {
  error: 'must not exceed requests',
  path: ['errors'],
  // Only compare counts that are themselves valid, so one bad field gives one issue.
  when: (payload) => payload.issues.length === 0,
});

/** What an agent sends: one idempotent batch of 10-second edge aggregates. */
export const ingestBatchInput = z.object({
  batchId: z.uuid(),
  agent: z.object({
    id: z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, { error: 'may hold only A-Z a-z 0-9 . _ : -' }),
    hostname: printableText(253),
    version: printableText(64),
  }),
  sentAt: epochMs,
  edges: z.array(edgeSampleInput).max(MAX_EDGES_PER_BATCH),
});

export type IngestBatchInput = z.infer<typeof ingestBatchInput>;
export type EdgeSampleInput = z.infer<typeof edgeSampleInput>;

export const ingestBatchOutput = z.object({
  batchId: z.string(),
  duplicate: z.boolean(),
  stored: z.number().int(),
});
