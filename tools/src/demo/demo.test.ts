/** The demo workload really calls through: gateway → product → inventory and gateway → auth. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { demoServices } from './topology.js';

const here = dirname(fileURLToPath(import.meta.url));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

describe('demo workload', () => {
  it('wires four services that answer through their downstreams, each named after its service', async () => {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const services = demoServices(base);
    expect(services.map((s) => [s.name, s.port - base])).toEqual([
      ['inventory', 2],
      ['auth', 3],
      ['product', 1],
      ['gateway', 0],
    ]);
    for (const svc of services) {
      const args = ['--name', svc.name, '--port', String(svc.port), '--error-rate', '0', '--work-ms', '1'];
      for (const call of svc.calls) args.push('--call', call);
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'service.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      await once(child.stdout as NodeJS.ReadableStream, 'data'); // "listening"
      expect(readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim()).toBe(svc.name);
    }
    const res = await fetch(`http://127.0.0.1:${base}/api/products`);
    const body = (await res.json()) as { service: string; downstream: number[] };
    expect(res.status).toBe(200);
    expect(body.service).toBe('gateway');
    expect(body.downstream).toEqual([200, 200]);
  }, 30_000);

  it('puts product and inventory behind the slow-network scenario\'s veth, so only gateway → product crosses it', () => {
    const services = demoServices(7101, '10.204.1.2');
    const view = Object.fromEntries(services.map((s) => [s.name, { host: s.host, isolated: s.isolated === true, calls: s.calls, redis: s.redis === true }]));
    expect(view).toEqual({
      inventory: { host: '127.0.0.1', isolated: true, calls: [], redis: false },
      auth: { host: '127.0.0.1', isolated: false, calls: [], redis: false },
      product: { host: '10.204.1.2', isolated: true, calls: ['inventory=http://127.0.0.1:7103/stock'], redis: false },
      gateway: { host: '127.0.0.1', isolated: false, calls: ['product=http://10.204.1.2:7102/products', 'auth=http://127.0.0.1:7104/verify'], redis: false },
    });
  });
});
