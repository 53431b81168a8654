/** The demo's services: gateway → product → inventory, gateway → auth, product → Redis when reachable. */
export interface DemoService {
  name: string;
  port: number;
  /** address the service listens on */
  host: string;
  calls: string[];
  errorRate: number;
  workMs: number;
  redis?: boolean;
  /** runs inside the scenario's network namespace instead of the host's */
  isolated?: boolean;
}

/**
 * `isolatedAt`: the address of a network namespace joined to the host by a veth (the slow-network
 * scenario). Product and inventory then run inside it — product listening on that address, inventory on
 * the namespace's own loopback — so only gateway → product crosses the veth, where the fault is.
 */
export function demoServices(basePort: number, isolatedAt?: string): DemoService[] {
  const url = (host: string, port: number, path: string) => `http://${host}:${port}${path}`;
  const [gateway, product, inventory, auth] = [basePort, basePort + 1, basePort + 2, basePort + 3];
  const loopback = '127.0.0.1';
  const productHost = isolatedAt ?? loopback;
  const isolated = isolatedAt === undefined ? {} : { isolated: true };
  return [
    { name: 'inventory', port: inventory, host: loopback, calls: [], errorRate: 0, workMs: 3, ...isolated },
    { name: 'auth', port: auth, host: loopback, calls: [], errorRate: 0, workMs: 1 },
    {
      name: 'product',
      port: product,
      host: productHost,
      calls: [`inventory=${url(loopback, inventory, '/stock')}`],
      errorRate: 0.02,
      workMs: 4,
      // The host's Redis is not reachable from inside the namespace.
      redis: isolatedAt === undefined,
      ...isolated,
    },
    {
      name: 'gateway',
      port: gateway,
      host: loopback,
      calls: [`product=${url(productHost, product, '/products')}`, `auth=${url(loopback, auth, '/verify')}`],
      errorRate: 0,
      workMs: 1,
    },
  ];
}
