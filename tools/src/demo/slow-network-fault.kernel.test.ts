/**
 * Kernel test (root): the slow-network scenario's plumbing on its own — the fault really sits where the
 * scenario says, switches off cleanly, and nothing survives destroy(), not even what a killed run left.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { SlowNetwork } from './slow-network.js';
import { kernelBlockers } from './testing/stack.js';

const blockers = kernelBlockers();
const sh = (command: string, ...args: string[]) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const exists = (command: string, ...args: string[]) => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe.runIf(blockers.length === 0 || process.env['CI'] === 'true')('slow-network plumbing (real kernel)', () => {
  const net = new SlowNetwork('rcplumb', 3);
  afterAll(() => net.destroy());

  it('attaches the loss on the namespace side with its rate, adds the rate limit on the host side, and removes both', () => {
    expect(blockers).toEqual([]);
    net.create();
    net.faultOn({ lossPercent: 12.5, rateKbit: 256 });
    const filters = JSON.parse(sh('tc', '-n', net.netns, '-j', 'filter', 'show', 'dev', net.namespaceDevice, 'ingress')) as {
      options?: { prog?: { id?: number; name?: string } };
    }[];
    const progs = filters.flatMap((f) => (f.options?.prog ? [f.options.prog] : []));
    expect(progs.map((p) => p.name)).toEqual(['ks_tc_loss']);
    const progId = progs[0]?.id;
    const mapId = (JSON.parse(sh('bpftool', '-j', 'prog', 'show', 'id', String(progId))) as { map_ids: number[] }).map_ids[0];
    // With BTF, bpftool prints each entry raw and `formatted`.
    const dump = JSON.parse(sh('bpftool', '-j', 'map', 'dump', 'id', String(mapId))) as { formatted?: { key: number; value: number } }[];
    expect(dump.map((e) => e.formatted)).toEqual([{ key: 0, value: 125_000 }]);
    expect(sh('tc', 'qdisc', 'show', 'dev', net.hostDevice)).toMatch(/tbf .*rate 256Kbit/);
    expect(net.activeFault).toEqual({ lossPercent: 12.5, rateKbit: 256 });

    net.faultOff();
    expect(sh('tc', '-n', net.netns, 'qdisc', 'show', 'dev', net.namespaceDevice)).not.toContain('clsact');
    expect(sh('tc', 'qdisc', 'show', 'dev', net.hostDevice)).not.toContain('tbf');
    expect(net.activeFault).toBeNull();
    expect(() => net.faultOn({ lossPercent: 120 })).toThrow('loss 120%: use 0–100');
  });

  it('starts over from what a killed run left behind, and destroy leaves nothing', async () => {
    net.create();
    net.faultOn({ lossPercent: 10 });
    // A process still in the namespace keeps it (and the veth) alive: the next create() must end it.
    const [command, args] = net.inside('sleep', ['120']);
    const leftover = spawn(command, args, { stdio: 'ignore' });
    const gone = once(leftover, 'exit');
    await new Promise((r) => setTimeout(r, 200));
    net.create();
    await gone;
    expect(sh('ip', 'netns', 'pids', net.netns).trim()).toBe('');
    expect(sh('tc', '-n', net.netns, 'qdisc', 'show', 'dev', net.namespaceDevice)).not.toContain('clsact');

    net.destroy();
    expect(sh('ip', 'netns', 'list')).not.toContain(net.netns);
    expect(exists('ip', 'link', 'show', net.hostDevice)).toBe(false);
  });
});
