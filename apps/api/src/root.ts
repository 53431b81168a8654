import { agentTokensRouter, usersRouter } from './routers/admin.js';
import { authRouter } from './routers/auth.js';
import { endpointsRouter } from './routers/endpoints.js';
import { exceptionsRouter } from './routers/exceptions.js';
import { ingestRouter } from './routers/ingest.js';
import { reportsRouter } from './routers/reports.js';
import { metricsRouter } from './routers/metrics.js';
import { topologyRouter } from './routers/topology.js';
import { createCallerFactory, createTRPCRouter } from './trpc.js';

export const appRouter = createTRPCRouter({
  ingest: ingestRouter,
  topology: topologyRouter,
  metrics: metricsRouter,
  endpoints: endpointsRouter,
  exceptions: exceptionsRouter,
  reports: reportsRouter,
  auth: authRouter,
  users: usersRouter,
  agentTokens: agentTokensRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
