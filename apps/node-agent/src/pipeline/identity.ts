import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';

/**
 * Who is on each end of a connection. Foundation-level identity: a service is a process name plus the
 * lowest TCP port it listens on (`product:7002`); a process that listens nowhere is its name alone; a peer
 * that is not on this node is an external address. Later issues map pids to containers and pods.
 */
export type PeerRef = { kind: 'service'; name: string } | { kind: 'external'; address: string };

interface ProcessIdentity {
  comm: string;
  ports: number[];
}

export interface ServiceResolverOptions {
  procRoot?: string;
  /** minimum time between two scans of /proc, so misses cannot turn into a scan per event */
  minRefreshMs?: number;
  now?: () => number;
}

const TCP_LISTEN = '0A';

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
  private portOwner = new Map<number, number>(); // listening port → pid
  private processes = new Map<number, ProcessIdentity>();
  private readonly localAddresses: Set<string>;

  constructor(opts: ServiceResolverOptions = {}) {
    this.procRoot = opts.procRoot ?? '/proc';
    this.minRefreshMs = opts.minRefreshMs ?? 1000;
    this.now = opts.now ?? Date.now;
    this.localAddresses = new Set(
      Object.values(networkInterfaces())
        .flatMap((list) => list ?? [])
        .map((a) => a.address),
    );
  }

  /** True for loopback and this node's own interface addresses. */
  isLocalAddress(address: string): boolean {
    return (
      address.startsWith('127.') ||
      address === '::1' ||
      address.startsWith('::ffff:127.') ||
      this.localAddresses.has(address) ||
      this.localAddresses.has(address.replace(/^::ffff:/, ''))
    );
  }

  /** The service a local process is. `commHint` (from the kernel event) names processes that already exited. */
  serviceOfPid(pid: number, commHint: string): PeerRef {
    let identity = this.processes.get(pid);
    if (!identity) {
      this.refresh();
      identity = this.processes.get(pid) ?? this.readProcess(pid, commHint, []);
    }
    const port = identity.ports[0];
    return { kind: 'service', name: port === undefined ? identity.comm : `${identity.comm}:${port}` };
  }

  /** The service listening at a local address and port, else an external peer. */
  serverAt(address: string, port: number): PeerRef {
    if (this.isLocalAddress(address)) {
      let pid = this.portOwner.get(port);
      if (pid === undefined) {
        this.refresh();
        pid = this.portOwner.get(port);
      }
      if (pid !== undefined) return this.serviceOfPid(pid, '');
    }
    return { kind: 'external', address: `${address}:${port}` };
  }

  /** Forget a pid (its process exited); the next lookup reads /proc again. */
  forget(pid: number): void {
    this.processes.delete(pid);
  }

  /** Rescans listening sockets and their owning processes; rate-limited. */
  refresh(): void {
    const now = this.now();
    if (now - this.lastRefresh < this.minRefreshMs) return;
    this.lastRefresh = now;
    const inodeToPort = new Map<number, number>();
    for (const file of ['net/tcp', 'net/tcp6']) {
      for (const [inode, port] of parseListeners(this.readText(join(this.procRoot, file)))) inodeToPort.set(inode, port);
    }
    const portOwner = new Map<number, number>();
    const processes = new Map<number, ProcessIdentity>();
    for (const entry of this.listDir(this.procRoot)) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid <= 0) continue;
      const ports = this.listeningPortsOf(pid, inodeToPort);
      if (ports.length === 0) continue;
      for (const port of ports) if (!portOwner.has(port)) portOwner.set(port, pid);
      const identity = this.readProcess(pid, '', ports);
      processes.set(pid, identity);
    }
    // Clients seen before keep their identity while they live; exited ones are dropped so the cache stays bounded.
    for (const [pid, identity] of this.processes) {
      if (!processes.has(pid) && identity.ports.length === 0 && existsSync(join(this.procRoot, String(pid)))) {
        processes.set(pid, identity);
      }
    }
    this.portOwner = portOwner;
    this.processes = processes;
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

  private readProcess(pid: number, commHint: string, ports: number[]): ProcessIdentity {
    const comm = this.readText(join(this.procRoot, String(pid), 'comm')).trim() || commHint || `pid-${pid}`;
    const identity = { comm, ports };
    this.processes.set(pid, identity);
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
