import { readdirSync, readFileSync } from 'node:fs';
import { setThreadSchedulingPolicy, type ThreadSchedulingPolicy } from '@kinsight/libbpf-ts';

/**
 * How the agent's threads compete for CPU with the node's workloads.
 *
 * - `adaptive` (default): SCHED_IDLE while the agent keeps up — it runs on CPU time no workload wants, and a
 *   waking workload thread preempts it at once, so user-space processing adds no scheduling delay to
 *   requests. When it falls behind the kernel (a batch over 2 s late, or ring or queue drops) it
 *   takes a normal share (SCHED_OTHER) until it has kept up again for `settleMs`. A node whose CPUs are all
 *   busy thus costs the workloads a fair share, not the agent its data.
 * - `idle`: SCHED_IDLE always. Workloads never wait for the agent; on a saturated node the ring fills and
 *   drops are counted (`kinsight_agent_pipeline{stage="decode",what="ring_drops"}`).
 * - `normal`: the scheduler's default, the same weight as the workloads.
 *
 * The BPF programs are not affected: they run inside the traced syscalls, on the workload's own time.
 */
export const CPU_PRIORITIES = ['adaptive', 'idle', 'normal'] as const;
export type CpuPriority = (typeof CPU_PRIORITIES)[number];

export interface ThreadScheduling {
  tid: number;
  /** Linux scheduling policy number (0 SCHED_OTHER, 3 SCHED_BATCH, 5 SCHED_IDLE) */
  policy: number;
  nice: number;
}

/** Policy and nice of every thread of a process, from /proc (threads that exit meanwhile are left out). */
export function threadScheduling(pid: number | 'self' = 'self'): ThreadScheduling[] {
  const threads: ThreadScheduling[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name (which may hold spaces and parentheses): field 3 is at index 0.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    threads.push({ tid: Number(tid), nice: Number(fields[19 - 3]), policy: Number(fields[41 - 3]) });
  }
  return threads;
}

export type PolicyResult = { ok: true } | { ok: false; reason: string };

/**
 * Puts every thread of this process under `policy`. Threads started later (the ring drain thread, libuv's
 * pool) inherit it from the thread that starts them.
 */
export function setProcessPolicy(policy: ThreadSchedulingPolicy): PolicyResult {
  for (const { tid } of threadScheduling()) {
    try {
      setThreadSchedulingPolicy(tid, policy);
    } catch (error) {
      if ((error as { code?: string }).code === 'ESRCH') continue; // the thread ended meanwhile
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
  return { ok: true };
}

export interface CpuGovernorOptions {
  /**
   * a batch whose newest event is older than this means the agent is behind (default 2 s: start-up and a slow
   * /proc scan made single batches ~1 s late at 10k req/s; a starved agent's lag grows past it within seconds)
   */
  behindMs?: number;
  /** a batch at most this old means the agent keeps up (default 250 ms) */
  caughtUpMs?: number;
  /**
   * kept up this long after being behind: back to SCHED_IDLE (default 10 s). Falling behind again within
   * that long of yielding doubles it, up to `maxSettleMs` (default 5 min), so a node that stays saturated does
   * not see the agent starve and recover every few seconds.
   */
  settleMs?: number;
  maxSettleMs?: number;
  /** how the policy is applied (tests pass a recorder) */
  setPolicy?: (policy: ThreadSchedulingPolicy) => PolicyResult;
  /** told of every change, and of a change the kernel refused */
  onChange?: (change: { policy: ThreadSchedulingPolicy; why: string } | { refused: string }) => void;
}

/** Applies the agent's CPU priority and, in `adaptive` mode, moves between SCHED_IDLE and SCHED_OTHER. */
export class CpuGovernor {
  private current: ThreadSchedulingPolicy | null = null;
  private lastBehindMs = Number.NEGATIVE_INFINITY;
  private yieldedAtMs = Number.NEGATIVE_INFINITY;
  /** the settle time in force: `settleMs`, doubled by each quick relapse */
  settleMs: number;
  /** the kernel refused to leave SCHED_IDLE (no CAP_SYS_NICE): not asked again */
  private cannotEscalate = false;
  /** times the agent left SCHED_IDLE because it fell behind */
  escalations = 0;
  private readonly behindMs: number;
  private readonly caughtUpMs: number;
  private readonly baseSettleMs: number;
  private readonly maxSettleMs: number;
  private readonly setPolicy: (policy: ThreadSchedulingPolicy) => PolicyResult;

  constructor(
    readonly mode: CpuPriority,
    private readonly opts: CpuGovernorOptions = {},
  ) {
    this.behindMs = opts.behindMs ?? 2_000;
    this.caughtUpMs = opts.caughtUpMs ?? 250;
    this.baseSettleMs = opts.settleMs ?? 10_000;
    this.maxSettleMs = Math.max(this.baseSettleMs, opts.maxSettleMs ?? 300_000);
    this.settleMs = this.baseSettleMs;
    this.setPolicy = opts.setPolicy ?? setProcessPolicy;
  }

  /** The policy the agent's threads run under now (`other` before start in `normal` mode too). */
  get policy(): ThreadSchedulingPolicy {
    return this.current ?? 'other';
  }

  /** Call before the capture starts its threads. */
  start(): PolicyResult {
    if (this.mode === 'normal') return { ok: true };
    return this.apply('idle', 'start');
  }

  /** The newest event of a batch just handled was `lagMs` old. */
  observeLag(lagMs: number, nowMs: number): void {
    if (lagMs <= this.caughtUpMs) return;
    this.lastBehindMs = nowMs;
    if (lagMs > this.behindMs) this.escalate(`a batch arrived ${Math.round(lagMs)} ms after its newest event`, nowMs);
  }

  /** Once per second: events lost since the last call, and whether to go back to SCHED_IDLE. */
  tick(droppedSinceLast: number, nowMs: number): void {
    if (droppedSinceLast > 0) {
      this.lastBehindMs = nowMs;
      this.escalate(`${droppedSinceLast} events dropped`, nowMs);
      return;
    }
    if (this.mode === 'adaptive' && this.current === 'other' && nowMs - this.lastBehindMs >= this.settleMs) {
      if (this.apply('idle', `kept up for ${Math.round((nowMs - this.lastBehindMs) / 1000)} s`).ok) this.yieldedAtMs = nowMs;
    }
  }

  private escalate(why: string, nowMs: number): void {
    if (this.mode !== 'adaptive' || this.current !== 'idle' || this.cannotEscalate) return;
    if (!this.apply('other', why).ok) {
      this.cannotEscalate = true;
      return;
    }
    this.escalations++;
    this.settleMs = nowMs - this.yieldedAtMs < this.settleMs ? Math.min(this.settleMs * 2, this.maxSettleMs) : this.baseSettleMs;
  }

  private apply(policy: ThreadSchedulingPolicy, why: string): PolicyResult {
    const result = this.setPolicy(policy);
    if (result.ok) {
      this.current = policy;
      this.opts.onChange?.({ policy, why });
    } else {
      this.opts.onChange?.({ refused: result.reason });
    }
    return result;
  }
}
