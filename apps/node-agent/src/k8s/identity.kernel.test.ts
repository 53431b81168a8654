import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceResolver } from '../pipeline/identity.js';
import { mustRunKernelTests } from '../testing/kernel-harness.js';
import { KubeIndex } from './index-model.js';

/**
 * pid → cgroup → pod → service on the running kernel: a real process is moved into a cgroup laid out the way the
 * kubelet's cgroupfs driver lays out a container (`…/pod<uid>/<container id>`), and the resolver names it after
 * the Kubernetes service selecting that pod. Needs root and a cgroup hierarchy (v1 `cpu` or the unified v2 tree).
 */
const POD_UID = '0f5a3c2e-8d1b-4e6f-9a7c-2b4d6e8f0a1c';
const CONTAINER_ID = 'c0ffee'.repeat(10) + 'c0de';
const PARENT = 'kinsight-test-kubepods';

function cgroupRoot(): string {
  for (const root of ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    if (existsSync(join(root, 'cgroup.procs'))) return root;
  }
  throw new Error('no writable cgroup hierarchy at /sys/fs/cgroup (cpu, unified or v2 root)');
}

describe.runIf(mustRunKernelTests)('Kubernetes identity of a real process', () => {
  const root = cgroupRoot();
  const podDir = join(root, PARENT, `pod${POD_UID}`);
  const containerDir = join(podDir, CONTAINER_ID);
  const children: ReturnType<typeof spawn>[] = [];

  afterAll(async () => {
    for (const child of children) {
      child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    }
    for (const dir of [containerDir, podDir, join(root, PARENT)]) if (existsSync(dir)) rmdirSync(dir);
  });

  it('names a process in a pod cgroup after the service selecting the pod, and its IP too', async () => {
    mkdirSync(containerDir, { recursive: true });
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(child);
    const pid = child.pid ?? -1;
    writeFileSync(join(containerDir, 'cgroup.procs'), String(pid));
    expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(`/${PARENT}/pod${POD_UID}/${CONTAINER_ID}`);

    const kube = new KubeIndex();
    const resolver = new ServiceResolver({ minRefreshMs: 0, kube });
    // Before the informer has the pod, the process keeps its plain name; it is not cached as "unknown".
    expect(resolver.serviceOfPid(pid, 'node')).not.toEqual({ kind: 'service', name: 'checkout.shop' });

    const pod: V1Pod = {
      metadata: { uid: POD_UID, name: 'checkout-7d9f-abcde', namespace: 'shop', labels: { app: 'checkout', 'pod-template-hash': '7d9f' } },
      spec: { containers: [], nodeName: 'node-a' },
      status: { phase: 'Running', podIP: '10.244.7.3', containerStatuses: [{ name: 'app', containerID: `containerd://${CONTAINER_ID}`, image: 'x', imageID: 'x', ready: true, restartCount: 0 }] },
    };
    const service: V1Service = { metadata: { name: 'checkout', namespace: 'shop' }, spec: { selector: { app: 'checkout' }, clusterIP: '10.96.4.4' } };
    kube.upsertPod(pod);
    kube.upsertService(service);
    expect(resolver.serviceOfPid(pid, 'node')).toEqual({ kind: 'service', name: 'checkout.shop' });
    expect(resolver.serverAt('10.244.7.3', 8080)).toEqual({ kind: 'service', name: 'checkout.shop' });
    expect(resolver.serverAt('10.96.4.4', 80)).toEqual({ kind: 'service', name: 'checkout.shop' });
    expect(resolver.serverAt('192.0.2.44', 80)).toEqual({ kind: 'external', address: '192.0.2.44:80' });
  });
});
