import { ingestRouter } from './routers/ingest.js';
import { metricsRouter } from './routers/metrics.js';
import { topologyRouter } from './routers/topology.js';
import { createCallerFactory, createTRPCRouter } from './trpc.js';

export const appRouter = createTRPCRouter({
  ingest: ingestRouter,
  topology: topologyRouter,
  metrics: metricsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
