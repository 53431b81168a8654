import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { and, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { EXCEPTION_STATUSES, exceptions, rcaReports, SEVERITIES } from '../db/schema.js';
import { viewerProcedure } from '../trpc.js';

/** Keyset cursor: the (startedAt, id) of the last row of the previous page. */
const cursorSchema = z.strictObject({ startedAt: z.number().int().nonnegative(), id: z.number().int().min(1) });

export const listExceptionsInput = z.strictObject({
  status: z.enum(EXCEPTION_STATUSES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  entityKind: z.string().min(1).max(32).optional(),
  entityId: z.string().min(1).max(300).optional(),
  /** exceptions that started in [from, to) */
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
  cursor: cursorSchema.optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

const columns = {
  id: exceptions.id,
  entityKind: exceptions.entityKind,
  entityId: exceptions.entityId,
  metric: exceptions.metric,
  title: exceptions.title,
  severity: exceptions.severity,
  status: exceptions.status,
  startedAt: exceptions.startedAt,
  endedAt: exceptions.endedAt,
  impact: exceptions.impact,
  /** the newest root-cause report of the exception (the runner writes one when it opens), null when none */
  // Qualified by hand: drizzle leaves table names off columns in a single-table select.
  reportId: sql<number | null>`(select max(r.id) from ${rcaReports} r where r.exception_id = ${exceptions}.id)`.as('report_id'),
};

/** Drivers answer the subquery's integer as a number or a string; the API answers a number. */
const reportIdOf = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export const exceptionsRouter = {
  /** Newest first; `nextCursor` is null on the last page. */
  list: viewerProcedure.input(listExceptionsInput).query(async ({ ctx, input }) => {
    const filters: (SQL | undefined)[] = [
      input.status ? eq(exceptions.status, input.status) : undefined,
      input.severity ? eq(exceptions.severity, input.severity) : undefined,
      input.entityKind ? eq(exceptions.entityKind, input.entityKind) : undefined,
      input.entityId ? eq(exceptions.entityId, input.entityId) : undefined,
      input.from === undefined ? undefined : gte(exceptions.startedAt, new Date(input.from)),
      input.to === undefined ? undefined : lt(exceptions.startedAt, new Date(input.to)),
      input.cursor
        ? or(
            lt(exceptions.startedAt, new Date(input.cursor.startedAt)),
            and(eq(exceptions.startedAt, new Date(input.cursor.startedAt)), lt(exceptions.id, input.cursor.id)),
          )
        : undefined,
    ];
    const rows = await ctx.db
      .select(columns)
      .from(exceptions)
      .where(and(...filters))
      .orderBy(desc(exceptions.startedAt), desc(exceptions.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => ({ ...row, reportId: reportIdOf(row.reportId), startedAt: row.startedAt.getTime(), endedAt: row.endedAt?.getTime() ?? null })),
      nextCursor: rows.length > input.limit && last ? { startedAt: last.startedAt.getTime(), id: last.id } : null,
    };
  }),

  get: viewerProcedure.input(z.strictObject({ id: z.number().int().min(1) })).query(async ({ ctx, input }) => {
    const [row] = await ctx.db.select(columns).from(exceptions).where(eq(exceptions.id, input.id));
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `exception ${input.id} not found` });
    return { ...row, reportId: reportIdOf(row.reportId), startedAt: row.startedAt.getTime(), endedAt: row.endedAt?.getTime() ?? null };
  }),
} satisfies TRPCRouterRecord;
