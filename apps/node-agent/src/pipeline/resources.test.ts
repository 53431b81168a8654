import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResourceAggregator, ResourceMonitor } from './resource-monitor.js';
import { cgroupPathOf, containerOfCgroup, parseProcCgroup, parseProcStat, readCgroupUsage, readProcessUsage } from './resources.js';

// Real /proc/<pid>/cgroup files from coroot-node-agent's fixtures (see /work/shared/k8s/README.md).
const samples = '/work/shared/k8s/cgroup-samples';
const sample = (name: string) => parseProcCgroup(readFileSync(join(samples, `proc-${name}-cgroup`), 'utf8'));

describe('cgroup paths and containers from real /proc/<pid>/cgroup files', () => {
  it.each([
    ['100', '/system.slice/docker.service', null, null],
    ['200', '/docker/b43d92bf1e5c6f78bb9b7bc6f40721280299855ba692092716e3a1b6c0b86f3f', 'b43d92bf1e5c6f78bb9b7bc6f40721280299855ba692092716e3a1b6c0b86f3f', null],
    [
      '300',
      '/kubepods/burstable/pod6a4ce4a0-ba47-11ea-b2a7-0cc47ac5979e/17db96a24ae1e9dd57143e62b1cb0d2d35e693c65c774c7470e87b0572e07c1a',
      '17db96a24ae1e9dd57143e62b1cb0d2d35e693c65c774c7470e87b0572e07c1a',
      '6a4ce4a0-ba47-11ea-b2a7-0cc47ac5979e',
    ],
    [
      '400',
      '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod8712f785_1a3e_41ec_a00b_e2dcc77431cb.slice/docker-73051af271105c07e1f493b34856a77e665e3b0b4fc72f76c807dfbffeb881bd.scope',
      '73051af271105c07e1f493b34856a77e665e3b0b4fc72f76c807dfbffeb881bd',
      '8712f785-1a3e-41ec-a00b-e2dcc77431cb',
    ],
    [
      '2000', // hybrid: the unified tree names containerd.service, the v1 controllers the container
      '/kubepods/burstable/pod8833712d-6e69-4f5c-95f3-aebd020ce2e7/95cbe853416f52d927dec41f1406dd75015ea131244a1ca875a7cd4ebe927ac8',
      '95cbe853416f52d927dec41f1406dd75015ea131244a1ca875a7cd4ebe927ac8',
      '8833712d-6e69-4f5c-95f3-aebd020ce2e7',
    ],
    ['500', '/../../../../system.slice/docker-ba7b10d15d16e10e3de7a2dcd408a3d971169ae303f46cfad4c5453c6326fee2.scope', 'ba7b10d15d16e10e3de7a2dcd408a3d971169ae303f46cfad4c5453c6326fee2', null],
    ['550', '/system.slice/ssh.service', null, null],
    ['600', '/init.scope', null, null],
    ['700', '/podruntime/runtime', null, null],
    ['800', '/system.slice/docker-cf87ba651579c9231db817909e7865e5747bd7abcac0c57ce23cf4abbaee046b.scope', 'cf87ba651579c9231db817909e7865e5747bd7abcac0c57ce23cf4abbaee046b', null],
    ['900', '/system.slice/python-app.service', null, null],
    ['1000', '/system.slice/system-getty.slice/getty@tty1.service', null, null],
    ['3000', '/lxc.payload.first/system.slice/systemd-logind.service', null, null],
  ])('proc-%s', (name, path, containerId, podUid) => {
    const cgroups = sample(name);
    expect(cgroupPathOf(cgroups)).toBe(path);
    expect(containerOfCgroup(cgroupPathOf(cgroups))).toEqual({ containerId, podUid });
  });

  it('splits v1 controller lists and keeps the unified path', () => {
    const cgroups = sample('550');
    expect(cgroups.unified).toBe('/system.slice/ssh.service');
    expect([cgroups.v1.get('cpu'), cgroups.v1.get('cpuacct'), cgroups.v1.get('memory')]).toEqual(['/', '/', '/system.slice/ssh.service']);
  });
});

describe('cgroup counters', () => {
  const root = mkdtempSync(join(tmpdir(), 'ks-cgroupfs-'));
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads cgroup v2 cpu.stat and memory.current', () => {
    put('v2/kubepods.slice/pod.slice/cpu.stat', 'usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 10\nnr_throttled 2\nthrottled_usec 125000\n');
    put('v2/kubepods.slice/pod.slice/memory.current', '73400320\n');
    const usage = readCgroupUsage(parseProcCgroup('0::/kubepods.slice/pod.slice\n'), join(root, 'v2'));
    expect(usage).toEqual({ cpuSeconds: 2.5, throttledSeconds: 0.125, memoryBytes: 73400320 });
  });

  it('reads cgroup v1 cpuacct.usage, cpu.stat throttled_time and memory.usage_in_bytes', () => {
    put('v1/cpu,cpuacct/docker/abc/cpuacct.usage', '1500000000\n');
    put('v1/cpu,cpuacct/docker/abc/cpu.stat', 'nr_periods 5\nnr_throttled 1\nthrottled_time 250000000\n');
    put('v1/memory/docker/abc/memory.usage_in_bytes', '1048576\n');
    const usage = readCgroupUsage(parseProcCgroup('5:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n'), join(root, 'v1'));
    expect(usage).toEqual({ cpuSeconds: 1.5, throttledSeconds: 0.25, memoryBytes: 1048576 });
  });

  it('says null for what the cgroup does not report', () => {
    expect(readCgroupUsage(parseProcCgroup('0::/nowhere\n'), join(root, 'v2'))).toEqual({ cpuSeconds: null, throttledSeconds: null, memoryBytes: null });
  });
});

describe('/proc/<pid>/stat', () => {
  it('parses a comm with spaces and parentheses', () => {
    const stat = '4242 (my (odd) app) S 1 4242 4242 0 -1 4194560 500 0 0 0 150 50 0 0 20 0 4 0 12345 100000000 2560 18446744073709551615';
    expect(parseProcStat(stat)).toEqual({ comm: 'my (odd) app', utime: 150, stime: 50, starttime: 12345, rssPages: 2560 });
  });

  it('reads this process, and nothing for a pid that does not exist', () => {
    const usage = readProcessUsage(process.pid);
    expect(usage?.pid).toBe(process.pid);
    expect(usage?.comm).toBe(readFileSync('/proc/self/comm', 'utf8').trim());
    // The start time is fixed for the life of the process: two reads agree to the millisecond.
    expect(readProcessUsage(process.pid)?.startedAt).toBe(usage?.startedAt);
    expect(readProcessUsage(2 ** 22 + 1)).toBeNull();
  });
});

describe('ResourceMonitor and ResourceAggregator', () => {
  it('reports CPU as the change since the previous sample and buckets rows per process', () => {
    const proc = mkdtempSync(join(tmpdir(), 'ks-proc-'));
    const stat = (ticks: number) => `77 (svc) S 1 77 77 0 -1 0 0 0 0 0 ${ticks} 0 0 0 20 0 1 0 500 0 100`;
    writeFileSync(join(proc, 'stat'), 'cpu 1 2 3\nbtime 1700000000\n');
    mkdirSync(join(proc, '77'));
    writeFileSync(join(proc, '77', 'cgroup'), '0::/\n');
    writeFileSync(join(proc, '77', 'stat'), stat(100));
    const monitor = new ResourceMonitor({ procRoot: proc, cgroupRoot: join(proc, 'none') });
    monitor.watch(77);
    const first = monitor.sample();
    writeFileSync(join(proc, '77', 'stat'), stat(350));
    const second = monitor.sample();
    const entity = { kind: 'process', pid: 77, startedAt: 1_700_000_005_000 };
    expect(first.map((s) => [s.entity, s.cpuSeconds, s.memoryBytes])).toEqual([[entity, 0, 409600]]);
    expect(second.map((s) => [s.entity, s.cpuSeconds])).toEqual([[entity, 2.5]]);
    const agg = new ResourceAggregator('node-1');
    for (const s of [...first, ...second]) agg.add(s, 1_700_000_123_000);
    expect(agg.drain()).toEqual([
      { bucketStart: 1_700_000_120_000, bucketSeconds: 10, node: 'node-1', entity, cpuSeconds: 2.5, throttledSeconds: 0, memoryBytesSum: 819200, memoryBytesMax: 409600, memorySamples: 2 },
    ]);
    rmSync(join(proc, '77'), { recursive: true });
    expect(monitor.sample()).toEqual([]);
    expect(monitor.stats.gone).toBe(1);
    rmSync(proc, { recursive: true, force: true });
  });
});
