import { readFileSync } from 'node:fs';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeIndex, podInfoOf } from './index-model.js';
import { containerOfCgroup, parseProcCgroup, cgroupPathOf } from '../pipeline/resources.js';

// Real apiserver material (see ../shared/k8s/README.md): a recorded v1.24 list, and DeepFlow's dump of a 1.16 cluster.
const shared = new URL('../../../../../shared/k8s/', import.meta.url);
const recorded = (name: string) => JSON.parse(readFileSync(new URL(`recorded/${name}`, shared), 'utf8')) as { items: unknown[] };
const deepflow = JSON.parse(readFileSync(new URL('deepflow/kubernetes-info.json', shared), 'utf8')) as {
  resources: Record<string, string[]>;
};
const dumped = (kind: string) => (deepflow.resources[kind] ?? []).map((text) => JSON.parse(text) as unknown);

function indexOf(pods: unknown[], services: unknown[]): KubeIndex {
  const index = new KubeIndex();
  for (const service of services) index.upsertService(service as V1Service);
  for (const pod of pods) index.upsertPod(pod as V1Pod);
  return index;
}

describe('KubeIndex on a recorded apiserver list', () => {
  const index = indexOf(recorded('api_v1_pods.list.json').items, recorded('api_v1_services.list.json').items);

  it('names a pod after the service selecting it, and knows its Deployment', () => {
    const pod = index.podOf({ containerId: `${'a'.repeat(63)}1`, podUid: null });
    expect(pod?.name).toBe('checkout-86766c54f4-cgg7m');
    expect(pod?.workload).toEqual({ kind: 'Deployment', name: 'checkout' });
    expect(pod && index.identityOf(pod).name).toBe('checkout.shop');
  });

  it('finds the pod by a sidecar container id and by the pod UID a cgroup path names', () => {
    expect(index.podOf({ containerId: `${'b'.repeat(63)}2`, podUid: null })?.name).toBe('checkout-86766c54f4-hl5xd');
    expect(index.podOf({ containerId: null, podUid: '6444bd35-2ad2-4556-ab49-8b7af7156b23' })?.name).toBe('checkout-86766c54f4-hl5xd');
    expect(index.podOf({ containerId: 'f'.repeat(64), podUid: null })).toBeNull();
  });

  it('answers pod IPs (also IPv4-mapped) and cluster IPs', () => {
    expect(index.identityAt('10.244.1.12')?.name).toBe('checkout.shop');
    expect(index.identityAt('::ffff:10.244.1.11')?.pod?.name).toBe('checkout-86766c54f4-cgg7m');
    expect(index.identityAt('10.96.30.151')).toEqual({ name: 'checkout.shop', namespace: 'shop', pod: null });
    expect(index.identityAt('10.96.0.1')?.name).toBe('kubernetes.default');
    expect(index.identityAt('192.0.2.1')).toBeNull();
  });

  it('lists the pods scheduled on a node', () => {
    expect(index.podsOnNode('node-a').map((p) => p.name).sort()).toEqual(['checkout-86766c54f4-cgg7m', 'checkout-86766c54f4-hl5xd']);
    expect(index.podsOnNode('node-b')).toEqual([]);
  });
});

describe('KubeIndex on a real 1.16 cluster dump', () => {
  const index = indexOf(dumped('*v1.Pod'), dumped('*v1.Service'));
  const byName = (name: string) => {
    const pod = dumped('*v1.Pod').map((p) => podInfoOf(p as V1Pod)).find((p) => p?.name === name);
    if (!pod) throw new Error(`pod ${name} not in the dump`);
    return pod;
  };

  it('picks the service whose selector matches every label', () => {
    expect(index.identityOf(byName('myapp-deploy1-5695bb5658-5rn6k')).name).toBe('myapp-clusterip1.default');
    expect(index.identityOf(byName('myapp-deploy2-54f48f879b-4zfch')).name).toBe('myapp-clusterip2.default');
    expect(index.identityAt('10.244.0.4')?.name).toBe('kube-dns.kube-system');
  });

  it('falls back to the workload, then the pod itself', () => {
    expect(byName('kube-proxy-727pv').workload).toEqual({ kind: 'DaemonSet', name: 'kube-proxy' });
    expect(index.identityOf(byName('kube-proxy-727pv')).name).toBe('kube-proxy.kube-system');
    expect(index.identityOf(byName('etcd-k8s-master75')).name).toBe('etcd-k8s-master75.kube-system');
  });

  it('does not let host-network pods claim the node address', () => {
    expect(index.identityAt('10.50.1.75')).toBeNull();
  });
});

describe('KubeIndex lifetimes', () => {
  const pod = (uid: string, ip: string, phase = 'Running'): V1Pod => ({
    metadata: { uid, name: `web-${uid}`, namespace: 'shop', labels: { app: 'web' } },
    spec: { containers: [], nodeName: 'n1' },
    status: { podIP: ip, phase },
  });

  it('keeps a reused IP on the newer pod when the older one is deleted late', () => {
    const index = new KubeIndex();
    index.upsertPod(pod('old', '10.0.0.9'));
    index.upsertPod(pod('new', '10.0.0.9'));
    index.deletePod(pod('old', '10.0.0.9'));
    expect(index.identityAt('10.0.0.9')?.pod?.uid).toBe('new');
    index.deletePod(pod('new', '10.0.0.9'));
    expect(index.identityAt('10.0.0.9')).toBeNull();
  });

  it('drops the IP of a finished pod but keeps the pod for its processes', () => {
    const index = new KubeIndex();
    index.upsertPod(pod('job', '10.0.0.7', 'Succeeded'));
    expect(index.identityAt('10.0.0.7')).toBeNull();
    expect(index.podOf({ containerId: null, podUid: 'job' })?.name).toBe('web-job');
  });

  it('renames pods when a service starts or stops selecting them', () => {
    const index = new KubeIndex();
    index.upsertPod(pod('a', '10.0.0.5'));
    expect(index.identityAt('10.0.0.5')?.name).toBe('web-a.shop');
    const service: V1Service = { metadata: { name: 'frontend', namespace: 'shop' }, spec: { selector: { app: 'web' }, clusterIP: '10.96.1.1' } };
    index.upsertService(service);
    expect(index.identityAt('10.0.0.5')?.name).toBe('frontend.shop');
    index.deleteService(service);
    expect(index.identityAt('10.0.0.5')?.name).toBe('web-a.shop');
    expect(index.identityAt('10.96.1.1')).toBeNull();
  });

  it('ignores objects without a uid or name instead of throwing', () => {
    const index = new KubeIndex();
    index.upsertPod({ metadata: {} });
    index.upsertService({ spec: {} });
    expect([index.podCount, index.serviceCount]).toEqual([0, 0]);
  });
});

describe('cgroup → pod, over real /proc/<pid>/cgroup samples', () => {
  const sample = (name: string) => readFileSync(new URL(`cgroup-samples/${name}`, shared), 'utf8');

  const refOf = (name: string) => containerOfCgroup(cgroupPathOf(parseProcCgroup(sample(name))));

  it('reads pod UID and container id from kubepods paths (cgroupfs v1 and systemd v2 drivers)', () => {
    expect(refOf('proc-2000-cgroup')).toEqual({
      podUid: '8833712d-6e69-4f5c-95f3-aebd020ce2e7',
      containerId: '95cbe853416f52d927dec41f1406dd75015ea131244a1ca875a7cd4ebe927ac8',
    });
    expect(refOf('proc-400-cgroup')).toEqual({
      podUid: '8712f785-1a3e-41ec-a00b-e2dcc77431cb',
      containerId: '73051af271105c07e1f493b34856a77e665e3b0b4fc72f76c807dfbffeb881bd',
    });
  });

  it('reads a bare docker container and nothing from a systemd service', () => {
    expect(refOf('proc-200-cgroup')).toEqual({ podUid: null, containerId: 'b43d92bf1e5c6f78bb9b7bc6f40721280299855ba692092716e3a1b6c0b86f3f' });
    expect(refOf('proc-900-cgroup')).toEqual({ podUid: null, containerId: null });
  });
});
