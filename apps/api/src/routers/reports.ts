import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { rcaReports } from '../db/schema.js';
import { viewerProcedure } from '../trpc.js';

export const reportsRouter = {
  /** One root-cause report: the summary columns and the engine's whole document. */
  get: viewerProcedure.input(z.strictObject({ id: z.number().int().min(1) })).query(async ({ ctx, input }) => {
    const [row] = await ctx.db.select().from(rcaReports).where(eq(rcaReports.id, input.id));
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `report ${input.id} not found` });
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
  }),
} satisfies TRPCRouterRecord;
