/**
 * Kernel test: the cgroup filter (ks_filter_cgroups, changed at run time) on the running kernel. Two Python
 * probes make the same TCP exchange at the same time, one inside a fresh cgroup v2 and one outside it: only
 * the one inside is captured, exactly. Then the filter moves to a second fresh cgroup while the capture runs,
 * and the capture follows it. The cgroups are removed afterwards.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaptureRun, kernelSupport, mustRunKernelTests, PYTHON, startCapture } from '../testing/kernel-harness.js';
import type { CaptureEvent, DataEvent } from './events.js';

const N = 12;

/** Waits for "go" on stdin, then sends N messages over loopback TCP, each answered before the next. */
const PROBE = `
import json, socket, sys
sys.stdin.readline()
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)
cli = socket.create_connection(srv.getsockname()); conn, _ = srv.accept()
for i in range(${N}):
    cli.send(b'cgroup probe %02d' % i)
    conn.recv(100)
    conn.send(b'ack %02d' % i)
    cli.recv(100)
report = {'serverPort': srv.getsockname()[1], 'clientPort': cli.getsockname()[1]}
cli.close(); conn.close(); srv.close()
print(json.dumps(report))
`;

/** Where the cgroup v2 hierarchy is mounted (/sys/fs/cgroup on unified hosts, …/unified on hybrid ones). */
function cgroup2Root(): string {
  const line = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .find((l) => l.split(' ')[2] === 'cgroup2');
  const mount = line?.split(' ')[1];
  if (!mount) throw new Error('no cgroup2 mount in /proc/mounts: the cgroup filter needs cgroup v2');
  return mount;
}

interface Probe {
  child: ChildProcessWithoutNullStreams;
  pid: number;
  /** resolves with the probe's ports once it exited cleanly */
  done: Promise<{ serverPort: number; clientPort: number }>;
}

/** Starts a probe, held until go(); when `cgroupDir` is given it is moved into that cgroup first. */
function startProbe(cgroupDir?: string): Probe {
  const child = spawn(PYTHON, ['-c', PROBE], { stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid ?? -1;
  if (cgroupDir) writeFileSync(join(cgroupDir, 'cgroup.procs'), String(pid));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`cgroup probe ${pid} exited with ${String(code)}: ${stderr}`);
    return JSON.parse(stdout) as { serverPort: number; clientPort: number };
  });
  return { child, pid, done };
}

const dataOf = (events: readonly CaptureEvent[], pid: number) => events.filter((e): e is DataEvent => e.kind === 'data' && e.pid === pid);

describe.runIf(mustRunKernelTests)('the cgroup filter, on the running kernel', () => {
  let run: CaptureRun;
  const cgroups: string[] = [];
  const probes: Probe[] = [];

  function freshCgroup(name: string): { dir: string; id: bigint } {
    const dir = join(cgroup2Root(), `kinsight-test-${process.pid}-${name}`);
    mkdirSync(dir);
    cgroups.push(dir);
    // A cgroup v2 id (bpf_get_current_cgroup_id) is the inode number of its directory.
    return { dir, id: statSync(dir, { bigint: true }).ino };
  }

  /** Runs one probe inside `inside` and one outside it at the same time; returns both once they exited. */
  async function runPair(inside: string, outside?: string) {
    const captured = startProbe(inside);
    const other = startProbe(outside);
    probes.push(captured, other);
    for (const p of [captured, other]) p.child.stdin.end('go\n');
    const [capturedPorts] = await Promise.all([captured.done, other.done]);
    await run.settle();
    return { captured: { pid: captured.pid, ...capturedPorts }, otherPid: other.pid };
  }

  /** The exchange of one probe, exactly: every message and every answer once, in order. */
  function expectExactExchange(events: readonly CaptureEvent[], probe: { pid: number; serverPort: number; clientPort: number }, cgroupId: bigint) {
    const data = dataOf(events, probe.pid);
    const side = (local: number, direction: 'egress' | 'ingress') =>
      data.filter((e) => e.localPort === local && e.direction === direction).map((e) => e.payload.toString());
    const messages = Array.from({ length: N }, (_, i) => `cgroup probe ${String(i).padStart(2, '0')}`);
    const acks = Array.from({ length: N }, (_, i) => `ack ${String(i).padStart(2, '0')}`);
    expect(side(probe.clientPort, 'egress')).toEqual(messages);
    expect(side(probe.serverPort, 'ingress')).toEqual(messages);
    expect(side(probe.serverPort, 'egress')).toEqual(acks);
    expect(side(probe.clientPort, 'ingress')).toEqual(acks);
    expect(new Set(data.map((e) => e.cgroupId))).toEqual(new Set([cgroupId]));
  }

  beforeAll(() => {
    expect(kernelSupport).toEqual({ ok: true });
    run = startCapture({ keepEvents: true });
  });

  afterAll(async () => {
    run?.close();
    for (const p of probes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.allSettled(probes.map((p) => p.done));
    // An emptied cgroup can stay busy for a moment after its last process was reaped.
    for (const dir of cgroups) {
      for (let attempt = 0; ; attempt++) {
        try {
          rmdirSync(dir);
          break;
        } catch (err) {
          if (attempt >= 50) throw err;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }
  });

  it('captures the traffic of the filtered cgroup exactly and nothing from outside, and follows a filter changed at run time', async () => {
    const first = freshCgroup('a');
    const second = freshCgroup('b');

    run.capture.setFilter({ cgroupIds: [first.id] });
    const filteredBefore = run.capture.stats().filtered;
    const phase1 = await runPair(first.dir);
    const phase1Events = [...run.events];
    expectExactExchange(phase1Events, phase1.captured, first.id);
    expect(phase1Events.filter((e) => e.pid === phase1.otherPid)).toEqual([]);
    // Only processes of the cgroup got through: the probe alone.
    expect(new Set(phase1Events.map((e) => e.pid))).toEqual(new Set([phase1.captured.pid]));
    expect(run.capture.stats().filtered).toBeGreaterThan(filteredBefore);

    // At run time: the second cgroup only. A probe left in the first is no longer seen.
    run.capture.setFilter({ cgroupIds: [second.id] });
    const phase2 = await runPair(second.dir, first.dir);
    const phase2Events = run.events.slice(phase1Events.length);
    expectExactExchange(phase2Events, phase2.captured, second.id);
    expect(phase2Events.filter((e) => e.pid === phase2.otherPid)).toEqual([]);
    expect(new Set(phase2Events.map((e) => e.pid))).toEqual(new Set([phase2.captured.pid]));
    expect(run.capture.stats()).toMatchObject({ ringDrops: 0, decodeErrors: 0, droppedBatches: 0 });
  }, 60_000);
});
