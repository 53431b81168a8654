import type { V1Pod, V1Service } from '@kubernetes/client-node';

/**
 * What the agent knows of the cluster: pods and services from the kube-apiserver, indexed the ways a captured
 * connection asks — by container id and pod UID (a pid's cgroup names them) and by IP (the other end of a socket).
 * A pod IP is reused after its pod ends, so the IP index always points at the newest live pod holding it and a
 * deleted pod only takes its IP out of the index while the index still points at that same pod.
 */

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'ReplicaSet';

export interface PodInfo {
  uid: string;
  namespace: string;
  name: string;
  node: string | null;
  ips: string[];
  hostNetwork: boolean;
  labels: Record<string, string>;
  workload: { kind: WorkloadKind; name: string } | null;
  containerIds: string[];
  startedAt: number | null;
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  selector: Record<string, string>;
  clusterIps: string[];
}

/** The name a pod goes by on the topology: its service, else its workload, else itself — `name.namespace`. */
export interface KubeIdentity {
  name: string;
  namespace: string;
  pod: PodInfo | null;
}

const CONTAINER_ID = /^[a-z0-9-]+:\/\/([0-9a-f]{64})$/;

function workloadOf(pod: V1Pod): PodInfo['workload'] {
  const owner = pod.metadata?.ownerReferences?.find((ref) => ref.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (!owner) return null;
  if (owner.kind === 'ReplicaSet') {
    // A Deployment names its ReplicaSets `<deployment>-<pod-template-hash>`; the pod carries the hash as a label.
    const hash = pod.metadata?.labels?.['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1) };
    return { kind: 'ReplicaSet', name: owner.name };
  }
  if (owner.kind === 'Job') {
    // A CronJob names its Jobs `<cronjob>-<scheduled minute>`.
    const cron = /^(.+)-\d{8,}$/.exec(owner.name);
    return cron?.[1] ? { kind: 'CronJob', name: cron[1] } : { kind: 'Job', name: owner.name };
  }
  if (owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') return { kind: owner.kind, name: owner.name };
  return null;
}

export function podInfoOf(pod: V1Pod): PodInfo | null {
  const uid = pod.metadata?.uid;
  const name = pod.metadata?.name;
  if (!uid || !name) return null;
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const ips = new Set<string>();
  for (const entry of pod.status?.podIPs ?? []) if (entry.ip) ips.add(entry.ip);
  if (pod.status?.podIP) ips.add(pod.status.podIP);
  const started = pod.status?.startTime ?? pod.metadata?.creationTimestamp;
  return {
    uid,
    namespace: pod.metadata?.namespace ?? 'default',
    name,
    node: pod.spec?.nodeName ?? null,
    ips: [...ips],
    hostNetwork: pod.spec?.hostNetwork === true,
    labels: { ...(pod.metadata?.labels ?? {}) },
    workload: workloadOf(pod),
    containerIds: statuses.flatMap((s) => CONTAINER_ID.exec(s.containerID ?? '')?.[1] ?? []),
    startedAt: started ? new Date(started).getTime() : null,
  };
}

export function serviceInfoOf(service: V1Service): ServiceInfo | null {
  const name = service.metadata?.name;
  if (!name) return null;
  const ips = new Set<string>();
  for (const ip of service.spec?.clusterIPs ?? []) if (ip && ip !== 'None') ips.add(ip);
  if (service.spec?.clusterIP && service.spec.clusterIP !== 'None') ips.add(service.spec.clusterIP);
  return { namespace: service.metadata?.namespace ?? 'default', name, selector: { ...(service.spec?.selector ?? {}) }, clusterIps: [...ips] };
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

export class KubeIndex {
  private readonly pods = new Map<string, PodInfo>();
  private readonly podByContainer = new Map<string, string>();
  private readonly podByIp = new Map<string, string>();
  private readonly services = new Map<string, ServiceInfo>(); // `namespace/name` →
  private readonly serviceByIp = new Map<string, string>();
  /** pod UID → its selecting service; cleared whenever a service changes (services change rarely, lookups often) */
  private readonly serviceMemo = new Map<string, ServiceInfo | null>();

  get podCount(): number {
    return this.pods.size;
  }

  get serviceCount(): number {
    return this.services.size;
  }

  upsertPod(pod: V1Pod): void {
    const info = podInfoOf(pod);
    if (!info) return;
    this.removePod(info.uid);
    this.pods.set(info.uid, info);
    for (const id of info.containerIds) this.podByContainer.set(id, info.uid);
    // Host-network pods share the node's address: the IP says nothing about which of them answered.
    const phase = pod.status?.phase;
    if (!info.hostNetwork && phase !== 'Succeeded' && phase !== 'Failed') for (const ip of info.ips) this.podByIp.set(ip, info.uid);
  }

  deletePod(pod: V1Pod): void {
    const uid = pod.metadata?.uid;
    if (uid) this.removePod(uid);
  }

  upsertService(service: V1Service): void {
    const info = serviceInfoOf(service);
    if (!info) return;
    const key = `${info.namespace}/${info.name}`;
    this.removeService(key);
    this.services.set(key, info);
    for (const ip of info.clusterIps) this.serviceByIp.set(ip, key);
  }

  deleteService(service: V1Service): void {
    const info = serviceInfoOf(service);
    if (info) this.removeService(`${info.namespace}/${info.name}`);
  }

  /** The pod a process belongs to, from what its cgroup path names. */
  podOf(ref: { containerId: string | null; podUid: string | null }): PodInfo | null {
    const uid = (ref.containerId ? this.podByContainer.get(ref.containerId) : undefined) ?? ref.podUid ?? undefined;
    return uid ? (this.pods.get(uid) ?? null) : null;
  }

  /** Who answers at an IP: a pod, or a service's cluster IP (kube-proxy rewrites packets, not the socket's peer). */
  identityAt(ip: string): KubeIdentity | null {
    const address = ip.replace(/^::ffff:/, '');
    const uid = this.podByIp.get(address);
    const pod = uid ? this.pods.get(uid) : undefined;
    if (pod) return this.identityOf(pod);
    const key = this.serviceByIp.get(address);
    const service = key ? this.services.get(key) : undefined;
    return service ? { name: `${service.name}.${service.namespace}`, namespace: service.namespace, pod: null } : null;
  }

  identityOf(pod: PodInfo): KubeIdentity {
    const service = this.serviceOf(pod);
    const base = service?.name ?? pod.workload?.name ?? pod.name;
    return { name: `${base}.${pod.namespace}`, namespace: pod.namespace, pod };
  }

  /** The service selecting the pod; with several, the first by name so the choice is stable. */
  serviceOf(pod: PodInfo): ServiceInfo | null {
    const memo = this.serviceMemo.get(pod.uid);
    if (memo !== undefined) return memo;
    let best: ServiceInfo | null = null;
    for (const service of this.services.values()) {
      if (service.namespace !== pod.namespace || !selects(service.selector, pod.labels)) continue;
      if (!best || service.name < best.name) best = service;
    }
    this.serviceMemo.set(pod.uid, best);
    return best;
  }

  /** Pods scheduled on a node, for the agent's `pods` section. */
  podsOnNode(node: string): PodInfo[] {
    return [...this.pods.values()].filter((pod) => pod.node === node);
  }

  private removePod(uid: string): void {
    const old = this.pods.get(uid);
    this.serviceMemo.delete(uid);
    if (!old) return;
    this.pods.delete(uid);
    for (const id of old.containerIds) if (this.podByContainer.get(id) === uid) this.podByContainer.delete(id);
    for (const ip of old.ips) if (this.podByIp.get(ip) === uid) this.podByIp.delete(ip);
  }

  private removeService(key: string): void {
    this.serviceMemo.clear();
    const old = this.services.get(key);
    if (!old) return;
    this.services.delete(key);
    for (const ip of old.clusterIps) if (this.serviceByIp.get(ip) === key) this.serviceByIp.delete(ip);
  }
}
