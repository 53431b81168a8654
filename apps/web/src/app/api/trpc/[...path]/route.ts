/**
 * Same-origin proxy from the browser to the Kinsight API. The API address is
 * read at request time (env.ts), so one build serves any deployment. Only the
 * dashboard's procedures pass; ingestion stays agent-to-API. The session cookie
 * travels both ways (Cookie up, Set-Cookie down); a POST must come from this
 * origin, and only then is the API told so with `x-kinsight-csrf: 1`.
 */
import { webEnv } from '../../../../env.js';

export const dynamic = 'force-dynamic';

const ALLOWED_PROCEDURE = /^(topology|metrics|endpoints|exceptions|reports|auth|users|agentTokens)\.[A-Za-z]+$/;
const UPSTREAM_TIMEOUT_MS = 15_000;

interface RouteContext {
  params: Promise<{ path: string[] }>;
}

async function forward(request: Request, context: RouteContext): Promise<Response> {
  const { path } = await context.params;
  const procedures = path.join('/').split(',');
  const isBatch = new URL(request.url).searchParams.get('batch') === '1';

  const denied = procedures.find((p) => !ALLOWED_PROCEDURE.test(p));
  if (denied !== undefined) {
    return trpcError(procedures, isBatch, 403, 'FORBIDDEN', -32003,
      `procedure "${denied}" is not available through the dashboard proxy`);
  }

  if (request.method !== 'GET' && !sameOrigin(request)) {
    return trpcError(procedures, isBatch, 403, 'FORBIDDEN', -32003,
      'cross-site request refused: mutations must come from the dashboard itself');
  }

  const { apiUrl } = webEnv();
  const search = new URL(request.url).search;
  const target = `${apiUrl}/trpc/${procedures.join(',')}${search}`;
  const headers = new Headers();
  const contentType = request.headers.get('content-type');
  if (contentType) headers.set('content-type', contentType);
  headers.set('accept', 'application/json');
  const cookie = request.headers.get('cookie');
  if (cookie) headers.set('cookie', cookie);
  if (request.method !== 'GET') headers.set('x-kinsight-csrf', '1');
  // The API counts sign-in failures per client address; without this every browser would be this server.
  const forwardedFor = request.headers.get('x-forwarded-for');
  if (forwardedFor) headers.set('x-forwarded-for', forwardedFor);

  try {
    const upstream = await fetch(target, {
      method: request.method,
      headers,
      body: request.method === 'GET' ? undefined : await request.text(),
      cache: 'no-store',
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    });
    const response = new Headers({
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
      'cache-control': 'no-store',
    });
    for (const setCookie of upstream.headers.getSetCookie()) response.append('set-cookie', setCookie);
    const retryAfter = upstream.headers.get('retry-after');
    if (retryAfter) response.set('retry-after', retryAfter);
    return new Response(upstream.body, { status: upstream.status, headers: response });
  } catch (error) {
    const reason = describeFetchError(error);
    return trpcError(procedures, isBatch, 502, 'BAD_GATEWAY', -32603,
      `Kinsight API unreachable at ${apiUrl} (${reason}); check that the API is running and KINSIGHT_API_URL points at it`);
  }
}

/** The browser says where a request comes from: Sec-Fetch-Site, else Origin against our own host. */
function sameOrigin(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = request.headers.get('origin');
  const host = request.headers.get('host');
  return origin !== null && host !== null && new URL(origin).host === host;
}

/** `fetch failed` alone says nothing; the cause carries ECONNREFUSED, ENOTFOUND, a timeout… */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
    return `${error.message}: ${code}`;
  }
  return error.message;
}

/** An error in tRPC's JSON envelope so the client surfaces the message as-is. */
function trpcError(
  procedures: string[],
  isBatch: boolean,
  httpStatus: number,
  code: string,
  jsonRpcCode: number,
  message: string,
): Response {
  const envelope = (path: string) => ({
    error: { message, code: jsonRpcCode, data: { code, httpStatus, path } },
  });
  const body = isBatch ? procedures.map(envelope) : envelope(procedures[0] ?? '');
  return Response.json(body, { status: httpStatus, headers: { 'cache-control': 'no-store' } });
}

export const GET = forward;
export const POST = forward;
