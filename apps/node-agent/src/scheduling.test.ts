import { describe, expect, it } from 'vitest';
import { readEnv } from './env.js';
import { CpuGovernor, type PolicyResult, threadScheduling } from './scheduling.js';

/** A governor whose policy changes are recorded instead of applied to this test process. */
function recorded(mode: 'adaptive' | 'idle' | 'normal', refuse: 'idle' | 'other' | null = null) {
  const applied: string[] = [];
  const governor = new CpuGovernor(mode, {
    setPolicy: (policy): PolicyResult => {
      if (policy === refuse) return { ok: false, reason: `sched_setscheduler(1, ${policy}): EPERM` };
      applied.push(policy);
      return { ok: true };
    },
  });
  return { governor, applied };
}

describe('CPU governor', () => {
  it('adaptive: yields while keeping up, takes a normal share when a batch is over 2 s late, yields again after 10 s kept up', () => {
    const { governor, applied } = recorded('adaptive');
    expect(governor.start()).toEqual({ ok: true });
    governor.observeLag(40, 1_000);
    governor.observeLag(1_900, 2_000); // late (start-up, a slow /proc scan), not behind
    governor.tick(0, 2_100);
    expect([applied, governor.policy, governor.escalations]).toEqual([['idle'], 'idle', 0]);

    governor.observeLag(2_500, 3_000);
    governor.observeLag(4_000, 3_100); // already at a normal share
    expect([applied, governor.policy, governor.escalations]).toEqual([['idle', 'other'], 'other', 1]);

    governor.observeLag(300, 8_000); // still catching up: the 10 s restart from here
    governor.tick(0, 17_900);
    expect(governor.policy).toBe('other');
    governor.observeLag(30, 18_000);
    governor.tick(0, 18_000);
    expect([applied, governor.policy]).toEqual([['idle', 'other', 'idle'], 'idle']);
  });

  it('adaptive: falling behind again soon after yielding doubles the settle time, up to 5 min; a calm spell resets it', () => {
    const { governor } = recorded('adaptive');
    governor.start();
    let now = 0;
    const relapse = (afterMs: number) => {
      now += afterMs;
      governor.observeLag(3_000, now); // behind
      now += governor.settleMs;
      governor.tick(0, now); // kept up for the whole settle time: yields
    };
    const settles: number[] = [];
    for (let i = 0; i < 7; i++) {
      relapse(1_000);
      settles.push(governor.settleMs);
    }
    expect(settles).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    relapse(400_000);
    expect([governor.settleMs, governor.escalations, governor.policy]).toEqual([10_000, 8, 'idle']);
  });

  it('adaptive: drops counted since the last tick mean behind, whatever the lag', () => {
    const { governor, applied } = recorded('adaptive');
    governor.start();
    governor.tick(3, 1_000);
    governor.tick(0, 10_999);
    expect([applied, governor.escalations]).toEqual([['idle', 'other'], 1]);
    governor.tick(0, 11_000);
    expect(applied).toEqual(['idle', 'other', 'idle']);
  });

  it('idle never leaves SCHED_IDLE, normal never enters it', () => {
    const idle = recorded('idle');
    idle.governor.start();
    idle.governor.observeLag(60_000, 1_000);
    idle.governor.tick(1_000, 1_000);
    expect([idle.applied, idle.governor.policy, idle.governor.escalations]).toEqual([['idle'], 'idle', 0]);
    const normal = recorded('normal');
    normal.governor.start();
    normal.governor.observeLag(60_000, 1_000);
    expect([normal.applied, normal.governor.policy]).toEqual([[], 'other']);
  });

  it('asks the kernel once when it refuses to leave SCHED_IDLE, and reports each refusal', () => {
    const refusals: string[] = [];
    let asked = 0;
    const governor = new CpuGovernor('adaptive', {
      setPolicy: (policy) => {
        if (policy === 'idle') return { ok: true };
        asked++;
        return { ok: false, reason: 'EPERM' };
      },
      onChange: (change) => {
        if ('refused' in change) refusals.push(change.refused);
      },
    });
    governor.start();
    governor.observeLag(5_000, 1_000);
    governor.observeLag(5_000, 2_000);
    governor.tick(10, 3_000);
    expect([asked, refusals, governor.policy, governor.escalations]).toEqual([1, ['EPERM'], 'idle', 0]);
  });

  it('reads every thread of a process from /proc', () => {
    const threads = threadScheduling();
    expect(threads.map((t) => t.tid)).toContain(process.pid);
    for (const t of threads) expect([0, 3, 5]).toContain(t.policy);
  });

  it('is configured by KINSIGHT_AGENT_CPU_PRIORITY, adaptive unless told otherwise, and refuses other words', () => {
    expect(readEnv({}).KINSIGHT_AGENT_CPU_PRIORITY).toBe('adaptive');
    expect(readEnv({ KINSIGHT_AGENT_CPU_PRIORITY: 'normal' }).KINSIGHT_AGENT_CPU_PRIORITY).toBe('normal');
    expect(() => readEnv({ KINSIGHT_AGENT_CPU_PRIORITY: 'realtime' })).toThrow(/KINSIGHT_AGENT_CPU_PRIORITY/);
  });
});
