import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The "machine" side of a service: CPU, memory and CPU throttling per traced process (from /proc) and per
 * cgroup (v2 unified, or v1 cpu/cpuacct/memory controllers), with the container and pod the cgroup names.
 */

export interface ProcCgroups {
  /** path in the unified (v2) hierarchy, null when the process has none */
  unified: string | null;
  /** v1 controller → path (`cpu,cpuacct` lines give both `cpu` and `cpuacct`) */
  v1: Map<string, string>;
}

/** Parses /proc/<pid>/cgroup (`hierarchy-id:controllers:path` per line); never throws. */
export function parseProcCgroup(text: string): ProcCgroups {
  const result: ProcCgroups = { unified: null, v1: new Map() };
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1).trim();
    if (!path.startsWith('/')) continue;
    if (line.slice(0, first) === '0' && controllers === '') result.unified = path;
    else for (const c of controllers.split(',')) if (c) result.v1.set(c, path);
  }
  return result;
}

export interface ContainerRef {
  /** 64-hex container id (docker, containerd, cri-o), or null */
  containerId: string | null;
  /** Kubernetes pod UID in its dashed form, or null */
  podUid: string | null;
}

const CONTAINER_ID = /(?:^|[/-])([0-9a-f]{64})(?:\.scope)?$/;
const POD_UID = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})/;

/** The container and pod a cgroup path belongs to (kubepods cgroupfs and systemd drivers, docker, cri-o). */
export function containerOfCgroup(path: string): ContainerRef {
  const containerId = CONTAINER_ID.exec(path)?.[1] ?? null;
  const podUid = POD_UID.exec(path)?.[1]?.replaceAll('_', '-') ?? null;
  return { containerId, podUid };
}

/**
 * The most telling cgroup path of a process. On hybrid hosts (v1 controllers plus a unified tree with no
 * controllers) the unified path names the runtime's service, not the container: v1 cpu/memory come first.
 */
export function cgroupPathOf(cgroups: ProcCgroups): string {
  const candidates = [cgroups.v1.get('cpu'), cgroups.v1.get('memory'), cgroups.unified, cgroups.v1.get('name=systemd')];
  return candidates.find((path) => path !== undefined && path !== null && path !== '/') ?? '/';
}

export interface CgroupUsage {
  /** cumulative CPU time, seconds */
  cpuSeconds: number | null;
  /** cumulative time the cgroup was throttled by its CPU quota, seconds */
  throttledSeconds: number | null;
  memoryBytes: number | null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function statField(text: string | null, field: string): number | null {
  if (text === null) return null;
  const m = new RegExp(`^${field} (\\d+)$`, 'm').exec(text);
  return m?.[1] === undefined ? null : Number(m[1]);
}

function numberIn(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : null;
}

/** Reads a cgroup's counters: cpu.stat/memory.current on v2, cpuacct.usage/cpu.stat/memory.usage_in_bytes on v1. */
export function readCgroupUsage(cgroups: ProcCgroups, root = '/sys/fs/cgroup'): CgroupUsage {
  const unified = cgroups.unified;
  if (unified !== null) {
    // Pure v2 mounts the unified tree at the root; hybrid hosts at <root>/unified.
    for (const base of [root, join(root, 'unified')]) {
      const cpuStat = readText(join(base, unified, 'cpu.stat'));
      if (cpuStat === null) continue;
      const usage = statField(cpuStat, 'usage_usec');
      const throttled = statField(cpuStat, 'throttled_usec');
      const memory = numberIn(readText(join(base, unified, 'memory.current')));
      if (memory !== null || cgroups.v1.size === 0) {
        return { cpuSeconds: usage === null ? null : usage / 1e6, throttledSeconds: throttled === null ? null : throttled / 1e6, memoryBytes: memory };
      }
    }
  }
  const cpuPath = cgroups.v1.get('cpuacct') ?? cgroups.v1.get('cpu');
  const cpuDir = (controller: string) => [join(root, controller), join(root, 'cpu,cpuacct')];
  let cpuSeconds: number | null = null;
  let throttledSeconds: number | null = null;
  if (cpuPath !== undefined) {
    for (const dir of cpuDir('cpuacct')) {
      const ns = numberIn(readText(join(dir, cpuPath, 'cpuacct.usage')));
      if (ns !== null) {
        cpuSeconds = ns / 1e9;
        break;
      }
    }
    for (const dir of cpuDir('cpu')) {
      const ns = statField(readText(join(dir, cgroups.v1.get('cpu') ?? cpuPath, 'cpu.stat')), 'throttled_time');
      if (ns !== null) {
        throttledSeconds = ns / 1e9;
        break;
      }
    }
  }
  const memoryPath = cgroups.v1.get('memory');
  const memoryBytes = memoryPath === undefined ? null : numberIn(readText(join(root, 'memory', memoryPath, 'memory.usage_in_bytes')));
  return { cpuSeconds, throttledSeconds, memoryBytes };
}

/** USER_HZ is 100 on every Linux architecture Kinsight runs on (x86-64, arm64). */
const TICKS_PER_SECOND = 100;

export interface ProcessUsage {
  pid: number;
  comm: string;
  /** user + system CPU time since start, seconds */
  cpuSeconds: number;
  rssBytes: number;
  /** process start, epoch ms (with pid, identifies the process across pid reuse) */
  startedAt: number;
}

/** Fields of /proc/<pid>/stat after the `(comm)`, which may itself hold spaces and parentheses. */
export function parseProcStat(text: string): { comm: string; utime: number; stime: number; starttime: number; rssPages: number } | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): utime is field 14, stime 15, starttime 22, rss 24.
  const field = (n: number): number => Number(rest[n - 3]);
  const values = { utime: field(14), stime: field(15), starttime: field(22), rssPages: field(24) };
  if (Object.values(values).some((v) => !Number.isFinite(v))) return null;
  return { comm: text.slice(open + 1, close), ...values };
}

export function bootTimeMs(procRoot = '/proc'): number {
  const btime = statField(readText(join(procRoot, 'stat')), 'btime');
  return (btime ?? 0) * 1000;
}

/** Reads one process's CPU and memory; null when it is gone. */
export function readProcessUsage(pid: number, procRoot = '/proc', bootMs = bootTimeMs(procRoot), pageBytes = 4096): ProcessUsage | null {
  const stat = readText(join(procRoot, String(pid), 'stat'));
  const parsed = stat === null ? null : parseProcStat(stat);
  if (!parsed) return null;
  return {
    pid,
    comm: parsed.comm,
    cpuSeconds: (parsed.utime + parsed.stime) / TICKS_PER_SECOND,
    rssBytes: parsed.rssPages * pageBytes,
    startedAt: Math.round(bootMs + (parsed.starttime * 1000) / TICKS_PER_SECOND),
  };
}
