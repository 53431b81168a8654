import type { BatchSections } from '../pipeline/sender.js';
import type { KubeIndex, PodInfo } from './index-model.js';

export type WirePod = NonNullable<BatchSections['pods']>[number];

// What the API accepts (apps/api ingest-schema podInput): names of A-Z a-z 0-9 . _ : -, label values ≤ 63.
const NAME = /^[A-Za-z0-9._:-]{1,253}$/;
const IP = /^[0-9a-fA-F.:]+$/;

/** One pod as the ingest `pods` section describes it; null for what the API would refuse (and we cannot fix). */
export function toWirePod(index: KubeIndex, pod: PodInfo, node: string): WirePod | null {
  const identity = index.identityOf(pod);
  if (!NAME.test(pod.namespace) || pod.namespace.length > 63 || !NAME.test(pod.name) || pod.startedAt === null) return null;
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(pod.labels)) if (key.length <= 317 && value.length <= 63) labels[key] = value;
  const ip = pod.hostNetwork ? undefined : pod.ips.find((address) => IP.test(address));
  return {
    uid: pod.uid,
    namespace: pod.namespace,
    name: pod.name,
    node,
    ...(pod.workload && NAME.test(pod.workload.name) ? { workload: pod.workload } : {}),
    ...(NAME.test(identity.name) ? { service: identity.name } : {}),
    ...(ip ? { ip } : {}),
    labels,
    startedAt: pod.startedAt,
  };
}

/**
 * The pods of this node, sent when they change and at least every `refreshMs` (the API keeps pod lifetimes and
 * places services in namespaces and on nodes from them). A pod that left the node is sent once more with
 * `endedAt`, so the API closes its lifetime.
 */
export class PodsSection {
  private sent = new Map<string, { wire: WirePod; text: string }>();
  private lastFull = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly index: KubeIndex,
    private readonly node: string,
    private readonly refreshMs = 300_000,
  ) {}

  /** The rows to send now (empty when nothing changed and the refresh is not due). */
  take(nowMs: number): WirePod[] {
    const current = new Map<string, { wire: WirePod; text: string }>();
    for (const pod of this.index.podsOnNode(this.node)) {
      const wire = toWirePod(this.index, pod, this.node);
      if (wire) current.set(wire.uid, { wire, text: JSON.stringify(wire) });
    }
    const full = nowMs - this.lastFull >= this.refreshMs;
    const rows: WirePod[] = [];
    for (const [uid, entry] of current) if (full || this.sent.get(uid)?.text !== entry.text) rows.push(entry.wire);
    for (const [uid, entry] of this.sent) if (!current.has(uid)) rows.push({ ...entry.wire, endedAt: nowMs });
    if (full) this.lastFull = nowMs;
    this.sent = current;
    return rows;
  }
}
