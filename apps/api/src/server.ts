import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { pingDatabase } from './db/client.js';
import { appRouter } from './root.js';
import { ingestRejectedBatches, registry, requestDuration, type RejectReason } from './telemetry.js';
import { bearerToken, type Context, type InnerContext } from './trpc.js';

/** 10 000 edges of ~400 bytes of JSON fit with room to spare. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

const PROCEDURES = new Set(Object.keys(appRouter._def.procedures));

function rejectReason(error: TRPCError): RejectReason {
  switch (error.code) {
    case 'BAD_REQUEST':
    case 'PARSE_ERROR':
      return 'invalid';
    case 'UNAUTHORIZED':
      return 'unauthorized';
    case 'PAYLOAD_TOO_LARGE':
      return 'too_large';
    default:
      return 'internal';
  }
}

/** A bounded route label: unknown paths must not grow the metric's label set. */
function routeOf(pathname: string): string {
  if (pathname === '/healthz' || pathname === '/metrics') return pathname;
  if (pathname.startsWith('/trpc/')) {
    const procedure = pathname.slice('/trpc/'.length);
    return PROCEDURES.has(procedure) ? `/trpc/${procedure}` : '/trpc/(unknown)';
  }
  return '(unknown)';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export interface ApiServer {
  server: Server;
  /** http://host:port once listening */
  url: string;
  close(): Promise<void>;
}

export function createApiHandler(inner: InnerContext): (req: IncomingMessage, res: ServerResponse) => void {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req }): Context => ({ ...inner, agentToken: bearerToken(req.headers.authorization) }),
    onError({ error, path }) {
      if (path === 'ingest.batch') ingestRejectedBatches.inc({ reason: rejectReason(error) });
      if (error.code === 'INTERNAL_SERVER_ERROR') inner.log.error({ err: error.cause ?? error, path }, 'procedure failed');
      else inner.log.debug({ code: error.code, path, message: error.message }, 'request refused');
    },
  });

  async function healthz(res: ServerResponse): Promise<void> {
    try {
      await pingDatabase(inner.db);
      sendJson(res, 200, { status: 'ok' });
    } catch (error) {
      inner.log.warn({ err: error }, 'healthz: database did not answer select 1');
      sendJson(res, 503, { status: 'unavailable', reason: 'database did not answer select 1' });
    }
  }

  async function metrics(res: ServerResponse): Promise<void> {
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(await registry.metrics());
  }

  return (req, res) => {
    const started = process.hrtime.bigint();
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      requestDuration.observe({ route: routeOf(pathname), status: String(res.statusCode) }, seconds);
    });
    const fail = (error: unknown) => {
      inner.log.error({ err: error, pathname }, 'request handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error; the API log has the details' });
      else res.destroy();
    };
    if (req.method === 'GET' && pathname === '/healthz') healthz(res).catch(fail);
    else if (req.method === 'GET' && pathname === '/metrics') metrics(res).catch(fail);
    else if (pathname.startsWith('/trpc/')) trpc(req, res);
    else sendJson(res, 404, { error: `no route ${req.method ?? 'GET'} ${pathname}; the API serves /trpc, /healthz and /metrics` });
  };
}

/** Listens on host:port (0 picks a free port). */
export async function startApiServer(inner: InnerContext, host: string, port: number): Promise<ApiServer> {
  const server = createServer(createApiHandler(inner));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${urlHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would hold close() open; idle ones can go now.
        server.closeIdleConnections();
      }),
  };
}
