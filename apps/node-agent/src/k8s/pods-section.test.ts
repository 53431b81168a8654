import { readFileSync } from 'node:fs';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeIndex } from './index-model.js';
import { PodsSection } from './pods-section.js';

const recorded = (name: string) =>
  (JSON.parse(readFileSync(new URL(`../../../../../shared/k8s/recorded/${name}`, import.meta.url), 'utf8')) as { items: unknown[] }).items;

function clusterIndex(): { index: KubeIndex; pods: V1Pod[] } {
  const index = new KubeIndex();
  for (const service of recorded('api_v1_services.list.json')) index.upsertService(service as V1Service);
  const pods = recorded('api_v1_pods.list.json') as V1Pod[];
  for (const pod of pods) index.upsertPod(pod);
  return { index, pods };
}

describe('PodsSection', () => {
  it('describes the pods of its node with service, workload, IP and labels', () => {
    const { index } = clusterIndex();
    const rows = new PodsSection(index, 'node-a').take(1_000);
    expect(rows.map((r) => r.name).sort()).toEqual(['checkout-86766c54f4-cgg7m', 'checkout-86766c54f4-hl5xd']);
    expect(rows.find((r) => r.name === 'checkout-86766c54f4-cgg7m')).toMatchObject({
      uid: '6470eae4-7667-47ad-b2e9-0918bbded5eb',
      namespace: 'shop',
      node: 'node-a',
      service: 'checkout.shop',
      workload: { kind: 'Deployment', name: 'checkout' },
      ip: '10.244.1.11',
      labels: { app: 'checkout', 'pod-template-hash': '86766c54f4' },
    });
    expect(new PodsSection(index, 'node-b').take(1_000)).toEqual([]);
  });

  it('sends again only what changed, everything when the refresh is due, and ends pods that left', () => {
    const { index, pods } = clusterIndex();
    const section = new PodsSection(index, 'node-a', 60_000);
    expect(section.take(0)).toHaveLength(2);
    expect(section.take(10_000)).toEqual([]);
    const first = pods[0];
    if (!first) throw new Error('recorded list is empty');
    index.upsertPod({ ...first, metadata: { ...first.metadata, labels: { ...first.metadata?.labels, version: 'v2' } } });
    expect(section.take(20_000).map((r) => r.labels?.['version'])).toEqual(['v2']);
    index.deletePod(first);
    expect(section.take(30_000)).toEqual([expect.objectContaining({ uid: first.metadata?.uid, endedAt: 30_000 })]);
    expect(section.take(70_000)).toHaveLength(1);
  });
});
