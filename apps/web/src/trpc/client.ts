/**
 * Typed client for the Kinsight API. The browser calls our own origin
 * (`/api/trpc`, proxied by the route handler), so the API address is a
 * server-side run-time setting and never ships in the bundle.
 */
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@kinsight/api/router';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type EdgeSeries = RouterOutputs['metrics']['edge'];
export type EdgeSeriesPoint = EdgeSeries['points'][number];

export const api = createTRPCClient<AppRouter>({
  // The header tells the API a mutation comes from our own pages (CSRF); other sites cannot set it.
  links: [httpBatchLink({ url: '/api/trpc', headers: () => ({ 'x-kinsight-csrf': '1' }) })],
});
