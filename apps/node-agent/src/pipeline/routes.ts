/**
 * Route collapsing: `/users/123?x=1` → `/users/{id}`. Ids, UUIDs, hashes and tokens become placeholders so
 * the endpoint cardinality stays bounded and no identifier or secret leaves the node.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{12,}$/i;
const NUMBER = /^-?\d+(\.\d+)?$/;
const EMAIL = /^[^@/]+@[^@/]+$/;
const MAX_SEGMENTS = 8;
const MAX_SEGMENT_LENGTH = 64;

function collapseSegment(segment: string): string {
  if (segment === '') return segment;
  let text = segment;
  try {
    text = decodeURIComponent(segment);
  } catch {
    // Bad percent-encoding: judge the raw text.
  }
  if (NUMBER.test(text)) return '{id}';
  if (UUID.test(text)) return '{uuid}';
  if (HEX.test(text)) return '{hex}';
  if (EMAIL.test(text)) return '{email}';
  // Long, or letters mixed with several digits (tokens, slugs with ids): not a route name.
  const digits = text.replace(/\D/g, '').length;
  if (text.length > MAX_SEGMENT_LENGTH || (digits >= 3 && /[a-z]/i.test(text) && digits / text.length > 0.25)) return '{token}';
  return segment;
}

/** The route of a request-target: path only, variable segments replaced, at most 8 segments deep. */
export function collapseRoute(target: string): string {
  let path = target;
  // absolute-form (proxies): keep the path
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) path = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  path = path.split(/[?#]/, 1)[0] ?? '';
  if (!path.startsWith('/')) return path === '*' ? '*' : '/';
  const segments = path.split('/').slice(1);
  const kept = segments.slice(0, MAX_SEGMENTS).map(collapseSegment);
  if (segments.length > MAX_SEGMENTS) kept.push('{…}');
  return `/${kept.join('/')}`;
}

/**
 * Caps distinct routes per server: past `maxPerServer`, new routes of that server are reported as
 * `/{other}` and counted, so one chatty server cannot exhaust the aggregate's key budget.
 */
export class RouteLimiter {
  private readonly seen = new Map<string, Set<string>>();
  /** request-target → route: most calls repeat a target seen before (bounded: emptied when full) */
  private readonly collapsed = new Map<string, string>();
  overflowed = 0;

  constructor(
    private readonly maxPerServer = 200,
    private readonly maxCachedTargets = 10_000,
  ) {}

  route(server: string, target: string): string {
    let route = this.collapsed.get(target);
    if (route === undefined) {
      route = collapseRoute(target);
      if (this.collapsed.size >= this.maxCachedTargets) this.collapsed.clear();
      this.collapsed.set(target, route);
    }
    let routes = this.seen.get(server);
    if (!routes) this.seen.set(server, (routes = new Set()));
    if (routes.has(route)) return route;
    if (routes.size >= this.maxPerServer) {
      this.overflowed++;
      return '/{other}';
    }
    routes.add(route);
    return route;
  }
}
