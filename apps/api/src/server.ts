import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { readCookie, SESSION_COOKIE } from './auth.js';
import { BackpressureError, unlimitedIngest } from './backpressure.js';
import { pingDatabase } from './db/client.js';
import { migrationStatus } from './db/migrate.js';
import { RecentlySeen } from './ingest-store.js';
import { FailureLimiter } from './rate-limit.js';
import { appRouter } from './root.js';
import { dbPoolConnections, ingestInFlight, ingestRejectedBatches, registry, requestDuration, type RejectReason } from './telemetry.js';
import { bearerToken, type Context, type InnerContext } from './trpc.js';

/** Sign-in: 5 failures per username or address in 15 minutes, then wait. */
export const SIGN_IN_MAX_FAILURES = 5;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

/** The inner context with production defaults for what the caller leaves out. */
export function createInnerContext(
  base: Pick<InnerContext, 'db' | 'clock' | 'log'> & Partial<InnerContext>,
): InnerContext {
  return {
    ingestLimiter: unlimitedIngest(),
    recentEntities: new RecentlySeen(),
    signInLimiter: new FailureLimiter(SIGN_IN_MAX_FAILURES, SIGN_IN_WINDOW_MS),
    demoUser: null,
    secureCookies: false,
    ...base,
  };
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** The API answers JSON only; these keep a browser from sniffing, framing or caching it. */
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

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
    case 'TOO_MANY_REQUESTS':
      return 'backpressure';
    default:
      return 'internal';
  }
}

/** A bounded route label: unknown paths must not grow the metric's label set. */
function routeOf(pathname: string): string {
  if (pathname === '/healthz' || pathname === '/readyz' || pathname === '/metrics') return pathname;
  if (pathname.startsWith('/trpc/')) {
    const procedure = pathname.slice('/trpc/'.length);
    return PROCEDURES.has(procedure) ? `/trpc/${procedure}` : '/trpc/(unknown)';
  }
  return '(unknown)';
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export interface ApiServer {
  server: Server;
  /** http://host:port once listening */
  url: string;
  close(): Promise<void>;
}

export interface ApiHandlerOptions {
  /** pg.Pool counters for /metrics; absent for PGlite */
  poolStats?: () => PoolStats;
  /** peers whose X-Forwarded-For is believed (default: loopback, where the dashboard's server runs) */
  trustedProxies?: readonly string[];
}

const LOOPBACK_PROXIES = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

/**
 * Who is asking: the socket's peer, or — when that peer is a trusted proxy — the nearest address it was
 * forwarded for (the rightmost X-Forwarded-For entry; entries further left are the client's own word).
 */
export function clientAddressOf(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustedProxies: readonly string[]): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (!trustedProxies.includes(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((entry) => entry.trim()).filter(Boolean);
  const forwarded = chain[chain.length - 1];
  return forwarded && forwarded.length <= 64 ? forwarded : peer;
}

export function createApiHandler(inner: InnerContext, options: ApiHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const trustedProxies = options.trustedProxies ?? LOOPBACK_PROXIES;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req, res }): Context => ({
      ...inner,
      agentToken: bearerToken(req.headers.authorization),
      sessionToken: readCookie(req.headers.cookie, SESSION_COOKIE),
      csrfHeader: req.headers['x-kinsight-csrf'] === '1',
      clientAddress: clientAddressOf(req, trustedProxies),
      setCookie: (cookie) => res.appendHeader('set-cookie', cookie),
    }),
    responseMeta({ errors }) {
      const backpressure = errors.map((e) => e.cause).find((cause) => cause instanceof BackpressureError);
      return { headers: { ...SECURITY_HEADERS, ...(backpressure ? { 'retry-after': String(backpressure.retryAfterSeconds) } : {}) } };
    },
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

  /** Ready to take traffic: the database answers and every committed migration is applied. */
  async function readyz(res: ServerResponse): Promise<void> {
    try {
      const status = await migrationStatus(inner.db);
      if (status.pending > 0) {
        sendJson(res, 503, { status: 'unavailable', reason: `${status.pending} migration(s) not applied; restart the API to apply them` });
      } else sendJson(res, 200, { status: 'ready', migrations: status.applied });
    } catch (error) {
      inner.log.warn({ err: error }, 'readyz: database check failed');
      sendJson(res, 503, { status: 'unavailable', reason: 'database did not answer the migrations query' });
    }
  }

  async function metrics(res: ServerResponse): Promise<void> {
    const pool = options.poolStats?.() ?? { total: 1, idle: 1, waiting: 0 };
    for (const [state, value] of Object.entries(pool)) dbPoolConnections.set({ state }, value);
    ingestInFlight.set(inner.ingestLimiter.current);
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
    else if (req.method === 'GET' && pathname === '/readyz') readyz(res).catch(fail);
    else if (req.method === 'GET' && pathname === '/metrics') metrics(res).catch(fail);
    else if (pathname.startsWith('/trpc/')) trpc(req, res);
    else sendJson(res, 404, { error: `no route ${req.method ?? 'GET'} ${pathname}; the API serves /trpc, /healthz, /readyz and /metrics` });
  };
}

/** Listens on host:port (0 picks a free port). */
export async function startApiServer(inner: InnerContext, host: string, port: number, options: ApiHandlerOptions = {}): Promise<ApiServer> {
  const server = createServer(createApiHandler(inner, options));
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
