/** What the agent benchmark reads about processes and the machine from /proc. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { loadavg } from 'node:os';

/** User + system CPU seconds a process has used. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function rssMbOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

export interface BpfRunStats {
  runTimeNs: number;
  runCount: number;
}

/**
 * Run time and count of the BPF programs one process holds open (the agent's own programs, read from
 * /proc/<pid>/fdinfo): programs other processes loaded — another agent, a kernel test — are not counted.
 * The kernel counts only while kernel.bpf_stats_enabled=1.
 */
export function bpfStatsOf(pid: number): BpfRunStats {
  const sum: BpfRunStats = { runTimeNs: 0, runCount: 0 };
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed while we looked
    }
    if (target !== 'anon_inode:bpf-prog') continue;
    const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
    sum.runTimeNs += Number(/^run_time_ns:\s+(\d+)$/m.exec(info)?.[1] ?? 0);
    sum.runCount += Number(/^run_cnt:\s+(\d+)$/m.exec(info)?.[1] ?? 0);
  }
  return sum;
}

/** Busy CPU seconds of the whole machine (every core; other work on the machine included). */
export function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  // user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
  const busy = cpu.reduce((sum, v, i) => (i === 3 || i === 4 || i > 7 ? sum : sum + v), 0);
  return busy / 100;
}

export const loadAverage1m = (): number => loadavg()[0] ?? 0;
