import { describe, expect, it } from 'vitest';
import { collapseRoute, RouteLimiter } from './routes.js';

describe('collapseRoute', () => {
  it.each([
    ['/users/123', '/users/{id}'],
    ['/users/123/orders/456?expand=1', '/users/{id}/orders/{id}'],
    ['/items/3f2504e0-4f89-11d3-9a0c-0305e82c3301', '/items/{uuid}'],
    ['/blobs/9f86d081884c7d659a2feaa0c55ad015', '/blobs/{hex}'],
    ['/reset/abc123def456ghi789', '/reset/{token}'],
    ['/people/jane%40example.com', '/people/{email}'],
    ['/api/v2/health', '/api/v2/health'],
    ['http://svc:8080/users/7', '/users/{id}'],
    ['*', '*'],
    ['', '/'],
    ['/a/b/c/d/e/f/g/h/i/j', '/a/b/c/d/e/f/g/h/{…}'],
  ])('%s → %s', (target, route) => {
    expect(collapseRoute(target)).toBe(route);
  });
});

describe('RouteLimiter', () => {
  it('keeps at most maxPerServer routes per server and reports the rest as /{other}', () => {
    const limiter = new RouteLimiter(2);
    const routes = ['/a', '/b', '/c', '/a', '/users/1'].map((p) => limiter.route('svc', p));
    expect(routes).toEqual(['/a', '/b', '/{other}', '/a', '/{other}']);
    expect(limiter.overflowed).toBe(2);
    expect(limiter.route('other-svc', '/c')).toBe('/c');
  });
});
