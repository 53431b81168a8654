// Runs against the real kernel (root, BTF, tracefs). Objects come from `nx run bpf:build`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BpfError, BpfObject, kernelBtfEnum, setThreadSchedulingPolicy } from './index.js';

const bpfOutput = fileURLToPath(new URL('../../../bpf/.output/', import.meta.url));
const captureObject = `${bpfOutput}l7_capture.bpf.o`;
const ringFixture = `${bpfOutput}test/ks_ring_fixture.bpf.o`;
const badAttachFixture = `${bpfOutput}test/ks_bad_attach.bpf.o`;
const verifierRejectFixture = `${bpfOutput}test/ks_verifier_reject.bpf.o`;

function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root');
  if (!existsSync('/sys/kernel/tracing/events/syscalls')) missing.push('tracefs at /sys/kernel/tracing');
  for (const object of [captureObject, ringFixture, badAttachFixture, verifierRejectFixture]) {
    if (!existsSync(object)) missing.push(`${object} (run \`npx nx run bpf:build\`)`);
  }
  return missing;
}

const missing = missingPrerequisites();
// Outside CI a machine without root may skip; in CI these tests must run.
const mustRun = missing.length === 0 || process.env['CI'] === 'true';
if (!mustRun) console.warn(`libbpf-ts kernel tests skipped, missing: ${missing.join(', ')}`);

/** Number of possible CPUs, the length of a per-CPU map value array. */
function possibleCpus(): number {
  return readFileSync('/sys/devices/system/cpu/possible', 'utf8')
    .trim()
    .split(',')
    .reduce((count, range) => {
      const [first = '0', last = first] = range.split('-');
      return count + Number(last) - Number(first) + 1;
    }, 0);
}

function bpfErrorOf(call: () => unknown): BpfError {
  try {
    call();
  } catch (error) {
    if (error instanceof BpfError) return error;
    throw error;
  }
  throw new Error('expected a BpfError, nothing was thrown');
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.runIf(mustRun)('BpfObject on the running kernel', () => {
  const opened: BpfObject[] = [];
  const open = (path: string): BpfObject => {
    const object = BpfObject.open(path);
    opened.push(object);
    return object;
  };

  beforeAll(() => {
    expect(missing).toEqual([]);
  });

  afterEach(() => {
    for (const object of opened.splice(0)) object.close();
  });

  it('names the step and errno when the file is missing', () => {
    const error = bpfErrorOf(() => BpfObject.open('/nonexistent/missing.bpf.o'));
    expect(error).toMatchObject({
      message: 'open /nonexistent/missing.bpf.o: ENOENT (no such file or directory)',
      step: 'open /nonexistent/missing.bpf.o',
      errno: 2,
      code: 'ENOENT',
    });
  });

  it('opens, loads and attaches the capture object', () => {
    const object = open(captureObject);
    object.setGlobal('payload_cap', 128);
    object.setGlobal('exclude_tgid', process.pid);
    object.load();
    const calls = ['read', 'write', 'readv', 'writev', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'connect', 'accept4', 'accept'];
    expect(object.attachAll()).toEqual([
      ...calls.flatMap((call) => [`tracepoint/syscalls/sys_enter_${call}`, `tracepoint/syscalls/sys_exit_${call}`]),
      'tracepoint/syscalls/sys_enter_close',
    ]);
    const ringDrops = object.mapLookup('ks_stats', Buffer.alloc(4));
    expect(Array.isArray(ringDrops) && ringDrops.length).toBe(possibleCpus());
  });

  it('rejects globals it cannot set, naming the variable', () => {
    const object = open(captureObject);
    expect(bpfErrorOf(() => object.setGlobal('no_such_var', 1))).toMatchObject({
      message: 'set global no_such_var: ENOENT (no const volatile variable of that name in .rodata; known: payload_cap, exclude_tgid, log_cap, log_writes_per_sec, wakeup_bytes)',
      step: 'set global no_such_var',
      code: 'ENOENT',
    });
    expect(bpfErrorOf(() => object.setGlobal('payload_cap', 2 ** 32)).message).toBe(
      "set global payload_cap: ERANGE (value does not fit the variable's 4 bytes)",
    );
    expect(bpfErrorOf(() => object.setGlobal('payload_cap', Buffer.alloc(2))).message).toBe(
      'set global payload_cap: EINVAL (Buffer has 2 bytes, the variable has 4)',
    );
    object.load();
    expect(bpfErrorOf(() => object.setGlobal('payload_cap', 1)).message).toBe(
      'set global payload_cap: EBUSY (the object is already loaded; do this before load())',
    );
  });

  it('names the tracepoint when attach fails and attaches nothing', () => {
    const object = open(badAttachFixture);
    object.load();
    const error = bpfErrorOf(() => object.attachAll());
    expect(error).toMatchObject({
      message: 'attach tracepoint syscalls/sys_enter_ks_no_such_call: ENOENT (no such file or directory)',
      step: 'attach tracepoint syscalls/sys_enter_ks_no_such_call',
      errno: 2,
      code: 'ENOENT',
    });
    expect(error.libbpfLog).toContain(
      "libbpf: prog 'ks_bad_attach': failed to create tracepoint 'syscalls/sys_enter_ks_no_such_call' perf event: No such file or directory",
    );
  });

  it('carries the verifier log when load fails', () => {
    const object = open(verifierRejectFixture);
    const error = bpfErrorOf(() => object.load());
    expect(error).toMatchObject({
      message: `load ${verifierRejectFixture}: EACCES (permission denied)`,
      step: `load ${verifierRejectFixture}`,
      code: 'EACCES',
    });
    const log = error.libbpfLog.join('\n');
    expect(log).toContain("R0 invalid mem access 'map_value_or_null'");
    expect(log).toContain('-- END PROG LOAD LOG --');
  });

  it('rejects out-of-order and bad map calls', () => {
    const object = open(captureObject);
    expect(bpfErrorOf(() => object.attachAll()).message).toBe('attach: EINVAL (the object is not loaded yet; call load() first)');
    object.load();
    expect(bpfErrorOf(() => object.mapLookup('ks_nope', Buffer.alloc(4))).message).toBe(
      `map lookup ks_nope: ENOENT (no map of that name in ${captureObject})`,
    );
    expect(bpfErrorOf(() => object.mapLookup('ks_stats', Buffer.alloc(8))).message).toBe(
      "map lookup ks_stats: EINVAL (key has 8 bytes, the map's key has 4)",
    );
    expect(bpfErrorOf(() => object.openRingBuffer('ks_stats', () => undefined)).message).toBe(
      'open ring buffer ks_stats: EINVAL (the map is not a BPF_MAP_TYPE_RINGBUF)',
    );
  });

  it('closes idempotently and refuses use after close', () => {
    const object = open(captureObject);
    object.load();
    object.attachAll();
    const ring = object.openRingBuffer('ks_events', () => undefined);
    object.close();
    object.close();
    ring.close();
    expect(bpfErrorOf(() => object.load())).toMatchObject({
      message: `load ${captureObject}: EBADF (the object is closed)`,
      code: 'EBADF',
    });
  });

  it('delivers ring buffer records in batches', async () => {
    const object = open(ringFixture);
    object.setGlobal('target_tgid', process.pid);
    object.setGlobal('tag', 0x6b696e7369676874n);
    object.load();
    expect(object.attachAll()).toEqual(['tracepoint/syscalls/sys_enter_kill']);

    const batches: Buffer[][] = [];
    const ring = object.openRingBuffer('ks_fixture_events', (records) => batches.push(records), { maxBatch: 4, pollMs: 20 });
    for (let i = 0; i < 10; i++) process.kill(process.pid, 0);
    await until(() => batches.flat().length >= 10, '10 ring records');

    const records = batches.flat().map((r) => ({
      tag: r.readBigUInt64LE(0),
      seq: r.readUInt32LE(8),
      targetPid: r.readInt32LE(12),
      sig: r.readInt32LE(16),
    }));
    expect(records).toEqual(
      Array.from({ length: 10 }, (_, seq) => ({ tag: 0x6b696e7369676874n, seq, targetPid: process.pid, sig: 0 })),
    );
    expect(batches.every((batch) => batch.length >= 1 && batch.length <= 4)).toBe(true);
    expect(ring.stats()).toEqual({
      records: 10,
      batches: batches.length,
      droppedBatches: 0,
      droppedRecords: 0,
      callbackErrors: 0,
      pollError: null,
    });

    const calls = object.mapLookup('ks_fixture_calls', Buffer.alloc(4));
    expect(Array.isArray(calls) && calls.reduce((sum, v) => sum + v.readBigUInt64LE(0), 0n)).toBe(10n);
    ring.close();
  });

  it('hands a raw consumer each batch as one buffer and the end offset of every record', async () => {
    const object = open(ringFixture);
    object.setGlobal('target_tgid', process.pid);
    object.setGlobal('tag', 7n);
    object.load();
    object.attachAll();
    const seqs: number[] = [];
    let batches = 0;
    const ring = object.openRingBufferRaw(
      'ks_fixture_events',
      (bytes, ends) => {
        batches++;
        let start = 0;
        for (const end of ends) {
          expect([end - start, bytes.readBigUInt64LE(start)]).toEqual([24, 7n]);
          seqs.push(bytes.readUInt32LE(start + 8));
          start = end;
        }
        expect(start).toBe(bytes.length);
      },
      { maxBatch: 3, pollMs: 20 },
    );
    for (let i = 0; i < 7; i++) process.kill(process.pid, 0);
    await until(() => seqs.length >= 7, '7 raw ring records');
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(ring.stats()).toMatchObject({ records: 7, batches, droppedBatches: 0, callbackErrors: 0 });
    ring.close();
  });

  it('drops batches instead of blocking the drain when JS falls behind', async () => {
    const object = open(ringFixture);
    object.setGlobal('target_tgid', process.pid);
    object.load();
    object.attachAll();
    const delivered: Buffer[] = [];
    const ring = object.openRingBuffer('ks_fixture_events', (records) => delivered.push(...records), {
      maxBatch: 1,
      pollMs: 10,
      maxQueuedBatches: 1,
    });
    // Keep the JS thread busy until the drain thread has read all 50 records:
    // the first batch fills the queue of one, the other 49 must be dropped.
    for (let i = 0; i < 50; i++) process.kill(process.pid, 0);
    const deadline = Date.now() + 10_000;
    while (ring.stats().records < 50 && Date.now() < deadline);
    await until(() => delivered.length >= 1, 'the queued batch');

    expect(delivered.map((r) => r.readUInt32LE(8))).toEqual([0]);
    expect(ring.stats()).toMatchObject({ records: 50, batches: 1, droppedBatches: 49, droppedRecords: 49 });
    ring.close();
  });

  it('keeps draining when onBatch throws', async () => {
    const object = open(ringFixture);
    object.setGlobal('target_tgid', process.pid);
    object.load();
    object.attachAll();
    const errors: unknown[] = [];
    const ring = object.openRingBuffer(
      'ks_fixture_events',
      () => {
        throw new Error('consumer bug');
      },
      { maxBatch: 1, pollMs: 10, onError: (error) => errors.push(error) },
    );
    for (let i = 0; i < 3; i++) process.kill(process.pid, 0);
    await until(() => errors.length >= 3, '3 callback errors');
    expect(errors.map(String)).toEqual(['Error: consumer bug', 'Error: consumer bug', 'Error: consumer bug']);
    expect(ring.stats().callbackErrors).toBe(3);
  });

  it('updates, walks and deletes hash map entries, and resizes maps before load', () => {
    const object = open(captureObject);
    object.setMapMaxEntries('ks_events', 1 << 20);
    expect(bpfErrorOf(() => object.mapUpdate('ks_filter_ports', Buffer.alloc(2), Buffer.from([1]))).message).toBe(
      'map update ks_filter_ports: EINVAL (the object is not loaded yet; call load() first)',
    );
    object.load();
    expect(bpfErrorOf(() => object.setMapMaxEntries('ks_events', 4096)).message).toBe(
      'set map max entries ks_events: EBUSY (the object is already loaded; do this before load())',
    );
    const port = (n: number) => {
      const key = Buffer.alloc(2);
      key.writeUInt16LE(n);
      return key;
    };
    for (const n of [80, 443, 8080]) object.mapUpdate('ks_filter_ports', port(n), Buffer.from([n % 7]));
    const entries = object.mapEntries('ks_filter_ports').map(([k, v]) => [k.readUInt16LE(0), Buffer.isBuffer(v) ? v[0] : -1]);
    expect(entries.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))).toEqual([
      [80, 3],
      [443, 2],
      [8080, 2],
    ]);
    expect([object.mapDelete('ks_filter_ports', port(443)), object.mapDelete('ks_filter_ports', port(443))]).toEqual([true, false]);
    expect(object.mapEntries('ks_filter_ports')).toHaveLength(2);
    expect(bpfErrorOf(() => object.mapUpdate('ks_filter_ports', port(1), Buffer.alloc(4))).message).toBe(
      "map update ks_filter_ports: EINVAL (value has 4 bytes, the map's value has 1)",
    );
    expect(bpfErrorOf(() => object.mapEntries('ks_events')).message).toBe('map entries ks_events: EINVAL (a ring buffer has no entries to walk)');
    expect(object.programStats().map((p) => p.name)).toContain('ks_enter_close');
  });

  it('resolves kernel enums from the running kernel\'s BTF', () => {
    const reasons = kernelBtfEnum('skb_drop_reason');
    const btf = execFileSync('bpftool', ['btf', 'dump', 'file', '/sys/kernel/btf/vmlinux', 'format', 'raw'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const block = btf.slice(btf.indexOf("ENUM 'skb_drop_reason'"));
    const noSocket = /'SKB_DROP_REASON_NO_SOCKET' val=(\d+)/.exec(block)?.[1];
    expect(reasons['SKB_DROP_REASON_NO_SOCKET']).toBe(Number(noSocket));
    expect(bpfErrorOf(() => kernelBtfEnum('ks_no_such_enum')).message).toBe(
      "kernel btf enum ks_no_such_enum: ENOENT (the running kernel's BTF has no enum of that name)",
    );
  });

  it('sets a thread\'s scheduling policy, and the thread it starts inherits it', async () => {
    const policyOf = (tid: number): number => {
      const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[41 - 3]);
    };
    const tasks = (): string[] => execFileSync('ls', [`/proc/${process.pid}/task`], { encoding: 'utf8' }).trim().split('\n');
    try {
      setThreadSchedulingPolicy(process.pid, 'idle');
      expect(policyOf(process.pid)).toBe(5); // SCHED_IDLE
      const before = new Set(tasks());
      const worker = new Worker('setTimeout(() => {}, 500)', { eval: true });
      await new Promise((resolve) => worker.once('online', resolve));
      const started = tasks().filter((tid) => !before.has(tid)).map(Number);
      expect(started.length).toBeGreaterThan(0);
      expect(started.map(policyOf)).toContain(5);
      await worker.terminate();
    } finally {
      setThreadSchedulingPolicy(process.pid, 'other');
    }
    expect(policyOf(process.pid)).toBe(0); // SCHED_OTHER again (root may leave SCHED_IDLE)
    expect(bpfErrorOf(() => setThreadSchedulingPolicy(process.pid, 'fifo' as 'idle')).message).toBe(
      `sched_setscheduler(${process.pid}, fifo): EINVAL (policy must be idle or other)`,
    );
    expect(bpfErrorOf(() => setThreadSchedulingPolicy(2 ** 22 + 1, 'idle')).message).toMatch(/^sched_setscheduler\(4194305, idle\): ESRCH/);
  });

  it('detaches everything when a worker thread exits without close()', async () => {
    const loadedFixturePrograms = (): number =>
      (JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'list'], { encoding: 'utf8' })) as { name?: string }[]).filter(
        (p) => p.name === 'ks_fixture_kill',
      ).length;
    const addonPath = fileURLToPath(new URL('../build/Release/libbpf_ts.node', import.meta.url));
    const worker = new Worker(
      `const addon = require(${JSON.stringify(addonPath)});
       const object = new addon.NativeBpfObject(${JSON.stringify(ringFixture)});
       object.load();
       object.attachAll();
       object.openRingBuffer('ks_fixture_events', () => {}, {});
       require('node:worker_threads').parentPort.postMessage('attached');`,
      { eval: true },
    );
    await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    expect(loadedFixturePrograms()).toBe(1);
    await worker.terminate();
    expect(loadedFixturePrograms()).toBe(0);
  });
});
