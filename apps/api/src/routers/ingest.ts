import { type TRPCRouterRecord } from '@trpc/server';
import { type NodeRef } from '@kinsight/topology';
import { type Database } from '../db/client.js';
import { edgeSamples, ingestBatches } from '../db/schema.js';
import { ingestBatches as batchCounter, ingestRows } from '../telemetry.js';
import { agentProcedure, badInput } from '../trpc.js';
import { MAX_FUTURE_MS, ingestBatchInput, ingestBatchOutput, type IngestBatchInput } from './ingest-schema.js';

// 15 bind parameters a row: 1000 rows stay far below PostgreSQL's 65535-parameter limit.
const INSERT_CHUNK_ROWS = 1000;

type EdgeSampleRow = typeof edgeSamples.$inferInsert;

const nodeName = (ref: NodeRef): string => (ref.kind === 'service' ? ref.name : ref.address);

function toRows(input: IngestBatchInput): EdgeSampleRow[] {
  return input.edges.map((edge) => ({
    bucketStart: new Date(edge.bucketStart),
    bucketSeconds: edge.bucketSeconds,
    clientKind: edge.client.kind,
    clientName: nodeName(edge.client),
    serverKind: edge.server.kind,
    serverName: nodeName(edge.server),
    protocol: edge.protocol,
    method: edge.method,
    statusClass: edge.statusClass,
    requests: edge.requests,
    errors: edge.errors,
    latencySumMs: edge.latencySumMs,
    latencyMaxMs: edge.latencyMaxMs,
    agentId: input.agent.id,
    batchId: input.batchId,
  }));
}

/** Claims the batch id and stores its rows in one transaction: all or nothing, once. */
export async function storeBatch(
  db: Database,
  input: IngestBatchInput,
  receivedAt: Date,
): Promise<{ duplicate: boolean; stored: number }> {
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(ingestBatches)
      .values({ batchId: input.batchId, agentId: input.agent.id, receivedAt, edgeRows: input.edges.length })
      .onConflictDoNothing({ target: ingestBatches.batchId })
      .returning({ batchId: ingestBatches.batchId });
    if (claimed.length === 0) return { duplicate: true, stored: 0 };
    const rows = toRows(input);
    for (let start = 0; start < rows.length; start += INSERT_CHUNK_ROWS) {
      await tx.insert(edgeSamples).values(rows.slice(start, start + INSERT_CHUNK_ROWS));
    }
    return { duplicate: false, stored: rows.length };
  });
}

export const ingestRouter = {
  batch: agentProcedure
    .input(ingestBatchInput)
    .output(ingestBatchOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock.now();
      const latest = now + MAX_FUTURE_MS;
      const future = input.edges.findIndex((edge) => edge.bucketStart > latest);
      const futureEdge = input.edges[future];
      if (futureEdge) {
        throw badInput(
          ['edges', future, 'bucketStart'],
          `${new Date(futureEdge.bucketStart).toISOString()} is more than ${MAX_FUTURE_MS / 60_000} minutes ahead of the server clock (${new Date(now).toISOString()}); check the agent's clock`,
          futureEdge.bucketStart,
        );
      }
      const result = await storeBatch(ctx.db, input, new Date(now));
      batchCounter.inc({ duplicate: String(result.duplicate) });
      ingestRows.inc(result.stored);
      ctx.log.debug(
        { batchId: input.batchId, agentId: input.agent.id, token: ctx.agentTokenName, ...result },
        'ingest batch',
      );
      return { batchId: input.batchId, ...result };
    }),
} satisfies TRPCRouterRecord;
