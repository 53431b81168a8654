import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { KubeIndex } from '../k8s/index-model.js';
import { cgroupPathOf, type ContainerRef, containerOfCgroup, parseProcCgroup } from './resources.js';
import { formatIpv6 } from '../capture/events.js';

/**
 * Who is on each end of a connection. Foundation-level identity: a service is a process name plus the
 * lowest TCP port it listens on (`product:7002`); a process that listens nowhere is its name alone; a peer
 * that is not on this node is an external address. Every network namespace of the node counts (a pod, a
 * container, `ip netns`): its addresses are node addresses and its listeners are services. Later issues
 * map pids to containers and pods.
 */
export type PeerRef = { kind: 'service'; name: string } | { kind: 'external'; address: string };

interface ProcessIdentity {
  comm: string;
  ports: number[];
  /** `service.namespace` of the pod the process runs in, once the cluster index knew it */
  kubeName?: string;
  /** what the process's cgroup names, read from /proc once: a process does not change pods */
  container?: ContainerRef;
}

export interface ServiceResolverOptions {
  procRoot?: string;
  /** minimum time between two scans of /proc, so misses cannot turn into a scan per event */
  minRefreshMs?: number;
  now?: () => number;
  /** the cluster's pods and services; without it, identity is process name and port */
  kube?: KubeIndex;
}

const TCP_LISTEN = '0A';
const MISS_RETRY_MS = 30_000;
const MAX_REMEMBERED_MISSES = 4096;

/** Addresses a namespace owns, from /proc/<pid>/net/fib_trie (IPv4 `/32 host LOCAL` leaves). */
export function parseFibTrieLocal(trie: string): string[] {
  const found = new Set<string>();
  let last = '';
  for (const line of trie.split('\n')) {
    const leaf = /\|-- (\d+\.\d+\.\d+\.\d+)$/.exec(line);
    if (leaf?.[1]) last = leaf[1];
    else if (last && /^\s+\/32 host LOCAL$/.test(line)) found.add(last);
  }
  return [...found];
}

/** Addresses a namespace owns, from /proc/<pid>/net/if_inet6 (32 hex digits per address), in RFC 5952 text. */
export function parseIfInet6(table: string): string[] {
  const found = new Set<string>();
  for (const line of table.split('\n')) {
    const hex = line.trim().split(/\s+/)[0] ?? '';
    if (/^[0-9a-f]{32}$/i.test(hex)) found.add(formatIpv6(Buffer.from(hex, 'hex')));
  }
  return [...found];
}

const isLoopback = (address: string) => address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
const unmapped = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

/** Parses /proc/net/tcp or tcp6 and returns listening socket inode → port. */
export function parseListeners(table: string): Map<number, number> {
  const listeners = new Map<number, number>();
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 10 || cols[3] !== TCP_LISTEN) continue;
    const local = cols[1] ?? '';
    const port = Number.parseInt(local.slice(local.indexOf(':') + 1), 16);
    const inode = Number(cols[9]);
    if (Number.isInteger(port) && Number.isInteger(inode) && inode > 0) listeners.set(inode, port);
  }
  return listeners;
}

export class ServiceResolver {
  private readonly procRoot: string;
  private readonly minRefreshMs: number;
  private readonly now: () => number;
  private lastRefresh = Number.NEGATIVE_INFINITY;
  /** `netns|address|port` of a local peer no listener was found for → when a miss may rescan again */
  private readonly missedUntil = new Map<string, number>();
  /** network namespace (inode) → listening port → pid */
  private portOwner = new Map<number, Map<number, number>>();
  /** the agent's own network namespace; 0 until the first refresh (or where /proc/self is not there) */
  private ownNetns = 0;
  /** address → the network namespace of this node that owns it */
  private addressNetns = new Map<string, number>();
  /** network namespaces that had a process in them at the last refresh */
  private namespaces = new Set<number>();
  private processes = new Map<number, ProcessIdentity>();
  /** processes first seen since the last scan (see serviceOfPid); emptied by every scan */
  private unscanned = new Map<number, ProcessIdentity>();
  private localAddresses: Set<string>;
  private readonly interfaceAddresses: Set<string>;
  private readonly kube: KubeIndex | null;

  constructor(opts: ServiceResolverOptions = {}) {
    this.kube = opts.kube ?? null;
    this.procRoot = opts.procRoot ?? '/proc';
    this.minRefreshMs = opts.minRefreshMs ?? 1000;
    this.now = opts.now ?? Date.now;
    this.interfaceAddresses = new Set(
      Object.values(networkInterfaces())
        .flatMap((list) => list ?? [])
        .map((a) => a.address),
    );
    this.localAddresses = this.interfaceAddresses;
  }

  /** True for loopback and the addresses of every network namespace of this node (as of the last refresh). */
  isLocalAddress(address: string): boolean {
    return isLoopback(address) || this.localAddresses.has(address) || this.localAddresses.has(unmapped(address));
  }

  /** The service a local process is. `commHint` (from the kernel event) names processes that already exited. */
  serviceOfPid(pid: number, commHint: string): PeerRef {
    let identity = this.processes.get(pid);
    if (!identity) {
      const scanned = this.refresh();
      // Seen between two rate-limited scans, a process may listen already: until a scan has looked it stays
      // in `unscanned`, which the next scan empties, so it cannot stay port-less (`gateway` for
      // `gateway:7101`). Held there, a new client's calls in that second read /proc once, not once each.
      const into = scanned ? this.processes : this.unscanned;
      identity = this.processes.get(pid) ?? this.unscanned.get(pid) ?? this.readProcess(pid, commHint, [], into);
    }
    if (this.kube && identity.kubeName === undefined) {
      // The cgroup is read once; the index is asked again on each call (map lookups only), because the pod
      // may reach it after the process's first connection.
      identity.container ??= containerOfCgroup(cgroupPathOf(parseProcCgroup(this.readText(join(this.procRoot, String(pid), 'cgroup')))));
      const pod = this.kube.podOf(identity.container);
      if (pod) identity.kubeName = this.kube.identityOf(pod).name;
    }
    if (identity.kubeName !== undefined) return { kind: 'service', name: identity.kubeName };
    const port = identity.ports[0];
    return { kind: 'service', name: port === undefined ? identity.comm : `${identity.comm}:${port}` };
  }

  /**
   * The service listening at a node address and port, else an external peer. `callerNetns` (the
   * network namespace inode of the calling socket) says whose loopback a loopback address is.
   */
  serverAt(address: string, port: number, callerNetns?: number): PeerRef {
    const kube = this.kube?.identityAt(address);
    if (kube) return { kind: 'service', name: kube.name };
    if (this.isLocalAddress(address)) {
      let pid = this.listenerAt(address, port, callerNetns);
      // A local address nobody listens on (a refused connect, another namespace's port) rescans /proc at most
      // once per MISS_RETRY_MS: a scan takes 50-100 ms on a busy node, and such peers recur every interval.
      const missKey = `${callerNetns ?? ''}|${address}|${port}`;
      if (pid === undefined && (this.missedUntil.get(missKey) ?? 0) <= this.now()) {
        this.refresh();
        pid = this.listenerAt(address, port, callerNetns);
        if (pid === undefined) {
          if (this.missedUntil.size >= MAX_REMEMBERED_MISSES) this.missedUntil.clear();
          this.missedUntil.set(missKey, this.now() + MISS_RETRY_MS);
        }
      }
      if (pid !== undefined) return this.serviceOfPid(pid, '');
    }
    return { kind: 'external', address: `${address}:${port}` };
  }

  private listenerAt(address: string, port: number, callerNetns: number | undefined): number | undefined {
    const caller = callerNetns !== undefined && this.namespaces.has(callerNetns) ? callerNetns : undefined;
    const netns = isLoopback(address) ? caller : this.addressNetns.get(unmapped(address));
    return this.portOwner.get(netns ?? this.ownNetns)?.get(port);
  }

  /** Forget a pid (its process exited); the next lookup reads /proc again. */
  forget(pid: number): void {
    this.processes.delete(pid);
  }

  /** Rescans listening sockets and their owning processes; rate-limited (false when it did not scan). */
  refresh(): boolean {
    const now = this.now();
    if (now - this.lastRefresh < this.minRefreshMs) return false;
    this.lastRefresh = now;
    this.ownNetns = this.netnsOf('self') ?? 0;
    const pids = this.listDir(this.procRoot)
      .map(Number)
      .filter((pid) => Number.isInteger(pid) && pid > 0);
    // Each namespace's tables are read once, through the first process seen in it. Socket inodes are
    // unique on the node, so one inode → port map serves every namespace.
    const netnsOfPid = new Map<number, number>();
    const inodeToPort = new Map<number, number>();
    const addressNetns = new Map<string, number>();
    const seen = new Set<number>();
    for (const pid of pids) {
      const netns = this.netnsOf(String(pid)) ?? this.ownNetns;
      netnsOfPid.set(pid, netns);
      if (seen.has(netns)) continue;
      seen.add(netns);
      const dir = join(this.procRoot, String(pid), 'net');
      for (const file of ['tcp', 'tcp6']) {
        for (const [inode, port] of parseListeners(this.readText(join(dir, file)))) inodeToPort.set(inode, port);
      }
      const owned = [...parseFibTrieLocal(this.readText(join(dir, 'fib_trie'))), ...parseIfInet6(this.readText(join(dir, 'if_inet6')))];
      for (const address of owned) {
        // Loopback belongs to every namespace (see listenerAt); an address two namespaces both hold goes to
        // the agent's own, else to the first seen.
        if (!isLoopback(address) && (!addressNetns.has(address) || netns === this.ownNetns)) addressNetns.set(address, netns);
      }
    }
    const portOwner = new Map<number, Map<number, number>>();
    const processes = new Map<number, ProcessIdentity>();
    for (const pid of pids) {
      const ports = this.listeningPortsOf(pid, inodeToPort);
      if (ports.length === 0) continue;
      const netns = netnsOfPid.get(pid) ?? this.ownNetns;
      let owners = portOwner.get(netns);
      if (!owners) portOwner.set(netns, (owners = new Map()));
      for (const port of ports) if (!owners.has(port)) owners.set(port, pid);
      this.readProcess(pid, '', ports, processes);
    }
    this.addressNetns = addressNetns;
    this.namespaces = seen;
    this.localAddresses = new Set([...this.interfaceAddresses, ...addressNetns.keys()]);
    // Clients seen before keep their identity while they live; exited ones are dropped so the cache stays bounded.
    for (const [pid, identity] of this.processes) {
      if (!processes.has(pid) && identity.ports.length === 0 && existsSync(join(this.procRoot, String(pid)))) {
        processes.set(pid, identity);
      }
    }
    this.portOwner = portOwner;
    this.processes = processes;
    this.unscanned.clear();
    return true;
  }

  private listeningPortsOf(pid: number, inodeToPort: Map<number, number>): number[] {
    const ports = new Set<number>();
    const fdDir = join(this.procRoot, String(pid), 'fd');
    for (const fd of this.listDir(fdDir)) {
      let target: string;
      try {
        target = readlinkSync(join(fdDir, fd));
      } catch {
        continue; // fd closed while we looked, or no permission
      }
      if (!target.startsWith('socket:[')) continue;
      const port = inodeToPort.get(Number(target.slice(8, -1)));
      if (port !== undefined) ports.add(port);
    }
    return [...ports].sort((a, b) => a - b);
  }

  /** The inode of a process's network namespace (`net:[4026531840]`), or undefined when it cannot be read. */
  private netnsOf(pid: string): number | undefined {
    try {
      const m = /^net:\[(\d+)\]$/.exec(readlinkSync(join(this.procRoot, pid, 'ns', 'net')));
      return m?.[1] ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** A process's identity from /proc, put into `into`. */
  private readProcess(pid: number, commHint: string, ports: number[], into: Map<number, ProcessIdentity>): ProcessIdentity {
    const comm = this.readText(join(this.procRoot, String(pid), 'comm')).trim() || commHint || `pid-${pid}`;
    const identity = { comm, ports };
    into.set(pid, identity);
    return identity;
  }

  private readText(path: string): string {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  }

  private listDir(path: string): string[] {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  }
}
