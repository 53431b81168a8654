import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { type Database } from '../db/client.js';
import { exceptions, rcaReports } from '../db/schema.js';
import { viewerProcedure } from '../trpc.js';

type ReportRow = typeof rcaReports.$inferSelect;

/**
 * One report as the API answers it: the summary columns and the engine's whole document (an
 * `RcaReport` from @kinsight/rca; typed `unknown` here because stored JSON may come from an older engine).
 */
function reportOutput(row: ReportRow) {
  return {
    id: row.id,
    exceptionId: row.exceptionId,
    windowFrom: row.windowFrom.getTime(),
    windowTo: row.windowTo.getTime(),
    rootCause: row.rootCause,
    confidence: row.confidence,
    summary: row.summary,
    document: row.document,
    createdAt: row.createdAt.getTime(),
  };
}

async function newestReportOf(db: Database, exceptionId: number): Promise<ReportRow | undefined> {
  const [row] = await db.select().from(rcaReports).where(eq(rcaReports.exceptionId, exceptionId)).orderBy(desc(rcaReports.id)).limit(1);
  return row;
}

export const reportsRouter = {
  /** One root-cause report: the summary columns and the engine's whole document. */
  get: viewerProcedure.input(z.strictObject({ id: z.number().int().min(1) })).query(async ({ ctx, input }) => {
    const [row] = await ctx.db.select().from(rcaReports).where(eq(rcaReports.id, input.id));
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `report ${input.id} not found` });
    return reportOutput(row);
  }),

  /**
   * The newest report of an exception, in `get`'s shape; null while the exception has none (the runner
   * writes it in the same transaction that opens the exception, so only exceptions from elsewhere lack one).
   */
  byException: viewerProcedure.input(z.strictObject({ exceptionId: z.number().int().min(1) })).query(async ({ ctx, input }) => {
    const [exception] = await ctx.db.select({ id: exceptions.id }).from(exceptions).where(eq(exceptions.id, input.exceptionId));
    if (!exception) throw new TRPCError({ code: 'NOT_FOUND', message: `exception ${input.exceptionId} not found` });
    const row = await newestReportOf(ctx.db, input.exceptionId);
    return row ? reportOutput(row) : null;
  }),
} satisfies TRPCRouterRecord;
