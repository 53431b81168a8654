/** The demo's services: gateway → product → inventory, gateway → auth, product → Redis when reachable. */
export interface DemoService {
  name: string;
  port: number;
  calls: string[];
  errorRate: number;
  workMs: number;
  redis?: boolean;
}

export function demoServices(basePort: number): DemoService[] {
  const url = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;
  const [gateway, product, inventory, auth] = [basePort, basePort + 1, basePort + 2, basePort + 3];
  return [
    { name: 'inventory', port: inventory, calls: [], errorRate: 0, workMs: 3 },
    { name: 'auth', port: auth, calls: [], errorRate: 0, workMs: 1 },
    { name: 'product', port: product, calls: [`inventory=${url(inventory, '/stock')}`], errorRate: 0.02, workMs: 4, redis: true },
    { name: 'gateway', port: gateway, calls: [`product=${url(product, '/products')}`, `auth=${url(auth, '/verify')}`], errorRate: 0, workMs: 1 },
  ];
}
