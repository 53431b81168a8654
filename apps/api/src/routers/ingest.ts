import { type TRPCRouterRecord } from '@trpc/server';
import { storeBatch } from '../ingest-store.js';
import { ingestBatchSeconds, ingestBatches as batchCounter, ingestRows } from '../telemetry.js';
import { agentProcedure, badInput } from '../trpc.js';
import { MAX_FUTURE_MS, ingestBatchInput, ingestBatchOutput, type IngestBatchInput } from './ingest-schema.js';

export { storeBatch } from '../ingest-store.js';

const SECTIONS = ['edges', 'endpoints', 'network', 'resources', 'logs'] as const;

/** The first bucket further ahead than the server clock allows, as [section, index, bucketStart]. */
function firstFutureBucket(input: IngestBatchInput, latest: number): [string, number, number] | null {
  for (const section of SECTIONS) {
    const rows = input[section] ?? [];
    const index = rows.findIndex((row) => row.bucketStart > latest);
    const row = rows[index];
    if (row) return [section, index, row.bucketStart];
  }
  return null;
}

export const ingestRouter = {
  batch: agentProcedure
    .input(ingestBatchInput)
    .output(ingestBatchOutput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.clock.now();
      const future = firstFutureBucket(input, now + MAX_FUTURE_MS);
      if (future) {
        const [section, index, bucketStart] = future;
        throw badInput(
          [section, index, 'bucketStart'],
          `${new Date(bucketStart).toISOString()} is more than ${MAX_FUTURE_MS / 60_000} minutes ahead of the server clock (${new Date(now).toISOString()}); check the agent's clock`,
          bucketStart,
        );
      }
      const release = ctx.ingestLimiter.enter();
      const started = process.hrtime.bigint();
      try {
        const result = await storeBatch(ctx.db, input, new Date(now), ctx.recentEntities);
        ingestBatchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
        batchCounter.inc({ duplicate: String(result.duplicate) });
        ingestRows.inc(result.stored);
        ctx.log.debug({ batchId: input.batchId, agentId: input.agent.id, token: ctx.agentTokenName, ...result }, 'ingest batch');
        return { batchId: input.batchId, ...result };
      } finally {
        release();
      }
    }),
} satisfies TRPCRouterRecord;
