import { LATENCY_BUCKET_COUNT, nodeRefSchema, printableText, statusClassesOf, statusClassSchema, type StatusClass } from '@kinsight/topology';
import { z } from 'zod';

export const MAX_EDGES_PER_BATCH = 10_000;
/** Every section together: what one transaction should carry. */
export const MAX_ROWS_PER_BATCH = 20_000;
export const BUCKET_MS = 10_000;
/** Agents' clocks drift; a bucket further ahead than this is a broken clock, not drift. */
export const MAX_FUTURE_MS = 5 * 60_000;

// RFC 9110 token characters: what an HTTP method may be made of.
/** Every protocol the agent's parsers report (libs/protocol-parsers ProtocolName). */
export const WIRE_PROTOCOLS = ['http1', 'http2', 'grpc', 'redis', 'mysql', 'pgsql', 'dns', 'kafka'] as const;
const OPERATION = /^[\x21-\x7e]+$/;
const NAME = /^[A-Za-z0-9._:-]+$/;

const epochMs = z.number().int().nonnegative();
const counter = z.number().int().nonnegative();
const amount = z.number().nonnegative();
const name = (max: number) => z.string().min(1).max(max).regex(NAME, { error: 'may hold only A-Z a-z 0-9 . _ : -' });
const bucket = {
  bucketStart: epochMs.multipleOf(BUCKET_MS, { error: `must be a multiple of ${BUCKET_MS} ms` }),
  bucketSeconds: z.literal(BUCKET_MS / 1000),
};
/** Only compare fields that are themselves valid, so one bad field gives one issue. */
const whenValid = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

// One check over the whole array: a schema per element cost half of all validation time on the hot path.
const latencyHistogram = z.custom<number[]>(
  (value) => Array.isArray(value) && value.length === LATENCY_BUCKET_COUNT && value.every((n) => Number.isSafeInteger(n) && n >= 0),
  { error: `must hold ${LATENCY_BUCKET_COUNT} non-negative integer counts, one per LATENCY_BUCKET_BOUNDS_MS bucket plus overflow` },
);

/** RED of one call shape; the histogram, when sent, must count exactly the requests. */
const red = {
  protocol: z.enum(WIRE_PROTOCOLS, { error: `must be one of ${WIRE_PROTOCOLS.join(', ')}` }),
  /** the call's operation: HTTP method, gRPC `Service/Method`, Redis command, SQL verb, DNS qtype, Kafka API */
  method: z.string().min(1).max(128).regex(OPERATION, { error: 'must be visible ASCII without spaces (an HTTP method, a command or an RPC name)' }),
  statusClass: statusClassSchema,
  requests: z.number().int().min(1),
  errors: counter,
  latencySumMs: amount,
  latencyMaxMs: amount,
  latencyHistogram: latencyHistogram.optional(),
};

interface RedRow {
  protocol: string;
  statusClass: StatusClass;
  requests: number;
  errors: number;
  latencyHistogram?: number[] | undefined;
}

function refineRed<T extends z.ZodType<RedRow>>(schema: T) {
  return schema
    .refine((row) => row.errors <= row.requests, { error: 'must not exceed requests', path: ['errors'], ...whenValid })
    // HTTP rows carry HTTP classes; every other protocol ok / client_error / server_error (libs/topology status-classes.ts).
    .refine((row) => statusClassesOf(row.protocol).includes(row.statusClass), {
      error: (issue) => {
        const protocol = (issue.input as Partial<RedRow> | undefined)?.protocol ?? '';
        return `must be one of ${statusClassesOf(protocol).join(', ')} for ${protocol}`;
      },
      path: ['statusClass'],
      ...whenValid,
    })
    // Client errors are never errors and server errors always are: the new classes carry no contradiction.
    .refine((row) => row.statusClass !== 'client_error' || row.errors === 0, {
      error: 'must be 0 for client_error rows: a client error is not a failure of the server',
      path: ['errors'],
      ...whenValid,
    })
    .refine((row) => row.statusClass !== 'server_error' || row.errors === row.requests, {
      error: 'must equal requests for server_error rows: every such call failed on the server',
      path: ['errors'],
      ...whenValid,
    })
    .refine((row) => !row.latencyHistogram || row.latencyHistogram.reduce((a, b) => a + b, 0) === row.requests, {
      error: 'must count exactly `requests` calls',
      path: ['latencyHistogram'],
      ...whenValid,
    });
}

export const edgeSampleInput = refineRed(z.strictObject({ ...bucket, client: nodeRefSchema, server: nodeRefSchema, ...red }));

export const endpointSampleInput = refineRed(
  z.strictObject({
    ...bucket,
    server: nodeRefSchema,
    ...red,
    /** collapsed by the agent (`/users/{id}`); raw paths would carry ids and secrets */
    route: printableText(256).regex(/^\//, { error: 'must be a collapsed path starting with /' }),
  }),
);

export const networkSampleInput = z.strictObject({
  ...bucket,
  client: nodeRefSchema,
  server: nodeRefSchema,
  connects: counter,
  failedConnects: counter,
  resets: counter,
  retransmits: counter,
  srttSumUs: counter,
  srttSamples: counter,
  bytesSent: counter,
  bytesReceived: counter,
  packetsSent: counter,
  packetsReceived: counter,
  /** kernel drop reason (`TCP_CSUM`…) → packets */
  drops: z.record(z.string().min(1).max(64).regex(/^[A-Z0-9_]+$/, { error: 'must be a kernel drop reason like NOSOCKET' }), counter).optional(),
});

const resourceEntity = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('node') }),
  z.strictObject({ kind: z.literal('pod'), uid: z.uuid() }),
  z.strictObject({ kind: z.literal('process'), pid: z.number().int().min(1), startedAt: epochMs }),
]);

export const resourceSampleInput = z
  .strictObject({
    ...bucket,
    node: name(253),
    entity: resourceEntity,
    cpuSeconds: amount,
    throttledSeconds: amount,
    memoryBytesSum: amount,
    memoryBytesMax: amount,
    memorySamples: counter,
  });

export const logSampleInput = z.strictObject({
  ...bucket,
  source: z.strictObject({ kind: z.enum(['service', 'pod']), name: printableText(253) }),
  level: z.enum(['debug', 'info', 'warning', 'error', 'critical', 'unknown']),
  templateId: z.string().regex(/^[0-9a-f]{16}$/, { error: 'must be 16 hex digits' }),
  /** the template with variables masked; the agent never sends raw lines */
  template: printableText(2048),
  lines: z.number().int().min(1),
});

export const podInput = z.strictObject({
  uid: z.uuid(),
  namespace: name(63),
  name: name(253),
  workload: z.strictObject({ kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet']), name: name(253) }).optional(),
  service: name(253).optional(),
  node: name(253),
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  labels: z.record(z.string().min(1).max(317), z.string().max(63)).default({}),
  startedAt: epochMs,
  endedAt: epochMs.optional(),
});

export const processInput = z.strictObject({
  node: name(253),
  pid: z.number().int().min(1),
  startedAt: epochMs,
  comm: printableText(64),
  podUid: z.uuid().optional(),
  endedAt: epochMs.optional(),
});

/** What an agent sends: one idempotent batch; every section but `edges` is optional. */
export const ingestBatchInput = z
  .strictObject({
    batchId: z.uuid(),
    agent: z.strictObject({
      id: name(128),
      hostname: printableText(253),
      version: printableText(64),
      cluster: name(128).optional(),
    }),
    sentAt: epochMs,
    edges: z.array(edgeSampleInput).max(MAX_EDGES_PER_BATCH),
    endpoints: z.array(endpointSampleInput).max(MAX_EDGES_PER_BATCH).optional(),
    network: z.array(networkSampleInput).max(MAX_EDGES_PER_BATCH).optional(),
    resources: z.array(resourceSampleInput).max(MAX_EDGES_PER_BATCH).optional(),
    logs: z.array(logSampleInput).max(MAX_EDGES_PER_BATCH).optional(),
    pods: z.array(podInput).max(MAX_EDGES_PER_BATCH).optional(),
    processes: z.array(processInput).max(MAX_EDGES_PER_BATCH).optional(),
  })
  .refine((b) => sampleRows(b) <= MAX_ROWS_PER_BATCH, {
    error: `a batch may carry at most ${MAX_ROWS_PER_BATCH} rows over all sections; split it`,
    path: ['edges'],
    ...whenValid,
  });

export type IngestBatchInput = z.infer<typeof ingestBatchInput>;
export type EdgeSampleInput = z.infer<typeof edgeSampleInput>;
export type EndpointSampleInput = z.infer<typeof endpointSampleInput>;
export type NetworkSampleInput = z.infer<typeof networkSampleInput>;
export type ResourceSampleInput = z.infer<typeof resourceSampleInput>;
export type LogSampleInput = z.infer<typeof logSampleInput>;
export type PodInput = z.infer<typeof podInput>;

interface Sections {
  edges: readonly unknown[];
  endpoints?: readonly unknown[] | undefined;
  network?: readonly unknown[] | undefined;
  resources?: readonly unknown[] | undefined;
  logs?: readonly unknown[] | undefined;
  pods?: readonly unknown[] | undefined;
  processes?: readonly unknown[] | undefined;
}

export function sampleRows(b: Sections): number {
  return (
    b.edges.length + (b.endpoints?.length ?? 0) + (b.network?.length ?? 0) + (b.resources?.length ?? 0) +
    (b.logs?.length ?? 0) + (b.pods?.length ?? 0) + (b.processes?.length ?? 0)
  );
}

export const ingestBatchOutput = z.object({
  batchId: z.string(),
  duplicate: z.boolean(),
  stored: z.number().int(),
});
