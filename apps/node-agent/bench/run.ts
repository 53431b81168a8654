/**
 * Agent benchmark: `npm run bench -- agent` (root, BTF, `npx nx run bpf:build`). Prints one JSON line per
 * figure: {"bench":"agent","name","value","unit","goal","better"}. What each figure measures:
 * docs/AGENT-BENCH.md.
 *
 * Against a loopback node:http server, at a fixed offered rate (10k req/s, open loop: latency counts from
 * when a request was due): agent off, agent on (the real agent process, `main.ts --no-send`), agent off
 * again — the two off runs bracket the on run, so drift from other work on the machine shows. The ratios
 * compare achieved throughput and p50/p99 latency on vs. off at that rate. A closed-loop run each way is
 * reported as an extra, named closed_loop_*: it saturates the machine, so on a small machine it measures who
 * gets the CPU rather than what a request costs. While the agent is on, kernel.bpf_stats_enabled=1 times the
 * agent's own BPF programs (first over an idle window, the background of other processes' syscalls, then under
 * load). Last, the pipeline's own ceiling: ring records of real traffic are replayed through
 * decode → reassemble → parse → aggregate on one thread and the transactions per CPU-second are reported.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BpfObject } from '@kinsight/libbpf-ts';
import { defaultObjectPath, ksEnums } from '../src/capture/index.js';
import { HTTP_SERVER, LOAD_GENERATOR, type LoadResult } from './load.js';
import { type RawBatch, type ReplayResult, writeBatches } from './replay-ceiling.js';
import { bpfStatsOf, type BpfRunStats, cpuSecondsOf, loadAverage1m, machineBusySeconds, rssMbOf } from './procfs.js';
import { freePort } from '../src/testing/api-process.js';

/** The offered rate of the on/off comparison; the RSS and CPU goals are stated at 10k req/s. */
const RATE = 10_000;
/** Enough keep-alive connections that one in flight each never caps the offered rate (64 × 6.4 ms). */
const CONNECTIONS = 64;
const FIXED_MS = 10_000;
/** Each load run first runs this long uncounted, after all its connections are up (bench/load.ts). */
const WARMUP_MS = 1_000;
const CLOSED_MS = 4_000;
/** The agent's BPF time with no load: other processes' syscalls, subtracted from the per-request figure. */
const BACKGROUND_MS = 2_000;
/**
 * The agent's V8 flags, as `npm run agent` (package.json) and `npm start` (tools/scripts/start.mjs) launch it:
 * the young generation pinned at 2 × 8 MB. V8's default grows it to 2 × 16 MB (~15 MB more RSS); capping it
 * at 8 MB without a floor let it shrink to 1 MB under load, and the pipeline then ran at half speed, most
 * objects surviving into the old generation. The ceiling replay runs with the same flags.
 */
const AGENT_V8_FLAGS = ['--min-semi-space-size=8', '--max-semi-space-size=8'];
const replayTs = fileURLToPath(new URL('./replay-ceiling.ts', import.meta.url));
const mainTs = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const statsSwitch = '/proc/sys/kernel/bpf_stats_enabled';

interface Figure {
  bench: 'agent';
  name: string;
  value: number;
  unit: string;
  goal: number | null;
  better: 'higher' | 'lower';
}

function emit(name: string, value: number, unit: string, goal: number | null, better: 'higher' | 'lower'): void {
  const figure: Figure = { bench: 'agent', name, value: Math.round(value * 1000) / 1000, unit, goal, better };
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

async function firstLine(child: ChildProcess, what: string, match: (line: string) => boolean): Promise<string> {
  let buffer = '';
  const stdout = child.stdout;
  if (!stdout) throw new Error(`${what}: no stdout`);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    for await (const chunk of stdout) {
      buffer += String(chunk);
      const line = buffer.split('\n').find(match);
      if (line !== undefined) return line;
    }
  } finally {
    clearTimeout(timer);
  }
  throw new Error(`${what} ended before it was ready: ${buffer.slice(-500)}`);
}

async function load(port: number, rate: number, durationMs: number): Promise<LoadResult> {
  const args = [String(port), String(CONNECTIONS), String(rate), String(durationMs), String(WARMUP_MS)];
  const child = spawn(process.execPath, ['-e', LOAD_GENERATOR, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await firstLine(child, 'load generator', (l) => l.startsWith('{'));
  return JSON.parse(line) as LoadResult;
}

/** One load run plus the CPU the server and the whole machine used meanwhile. */
interface Phase extends LoadResult {
  /** achieved requests per second */
  rate: number;
  serverCpuPct: number;
  loadgenCpuPct: number;
  /** busy % summed over cores (200 = both cores of a 2-core machine), other work on the machine included */
  machineBusyPct: number;
  /** the whole phase, generator start-up included */
  wallSeconds: number;
}

async function phase(port: number, serverPid: number, rate: number, durationMs: number): Promise<Phase> {
  const serverBefore = cpuSecondsOf(serverPid);
  const machineBefore = machineBusySeconds();
  const wallStart = performance.now();
  const result = await load(port, rate, durationMs);
  // CPU shares over the whole phase, generator start-up included (the load window alone is elapsedMs).
  const wallSeconds = (performance.now() - wallStart) / 1000;
  return {
    ...result,
    rate: result.requests / (result.elapsedMs / 1000),
    serverCpuPct: ((cpuSecondsOf(serverPid) - serverBefore) / wallSeconds) * 100,
    loadgenCpuPct: (result.cpuMs / 1000 / wallSeconds) * 100,
    machineBusyPct: ((machineBusySeconds() - machineBefore) / wallSeconds) * 100,
    wallSeconds,
  };
}

const delta = (after: BpfRunStats, before: BpfRunStats): BpfRunStats => ({
  runTimeNs: after.runTimeNs - before.runTimeNs,
  runCount: after.runCount - before.runCount,
});

async function startAgent(metricsPort: number, cpuPriority: 'adaptive' | 'normal'): Promise<{ child: ChildProcess; metric: (stage: string, what: string) => Promise<number> }> {
  // Launched as `npm run agent` and `npm start` launch it (the same V8 flags).
  const args = [...AGENT_V8_FLAGS, '--import', 'tsx', mainTs, '--no-send', '--metrics-port', String(metricsPort), '--cpu-priority', cpuPriority];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  // Read line by line for as long as the agent runs (stopping to read would close the pipe under it). Its CPU
  // priority changes go to stderr beside the figures, so a run that escalated says when and why.
  const started = Date.now();
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('agent did not attach within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`agent exited with ${code} before it attached`)));
    lines.on('line', (line) => {
      if (line.includes('CPU priority')) process.stderr.write(`agent +${((Date.now() - started) / 1000).toFixed(1)} s: ${line}\n`);
      if (line.includes('eBPF capture attached')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const metric = async (stage: string, what: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const m = new RegExp(`^kinsight_agent_pipeline\\{stage="${stage}",what="${what}"\\} (\\d+)`, 'm').exec(text);
    return Number(m?.[1] ?? Number.NaN);
  };
  return { child, metric };
}

/** Records raw ring batches of real traffic to `port`, for the replay measurement. */
async function recordRing(port: number): Promise<RawBatch[]> {
  const object = BpfObject.open(defaultObjectPath);
  const batches: RawBatch[] = [];
  try {
    object.setGlobal('exclude_tgid', process.pid);
    object.load();
    object.attachAll();
    const key = Buffer.alloc(2);
    key.writeUInt16LE(port);
    object.mapUpdate('ks_filter_ports', key, Buffer.from([1]));
    const config = Buffer.alloc(8);
    config.writeUInt32LE(ksEnums.filter.port);
    object.mapUpdate('ks_filter_config', Buffer.alloc(4), config);
    const ring = object.openRingBufferRaw('ks_events', (bytes, ends) => batches.push({ bytes, ends }), {
      pollMs: 20,
      maxBatch: 1024,
      maxQueuedBatches: 4096,
    });
    await load(port, 0, 3_000);
    await new Promise((r) => setTimeout(r, 200));
    ring.close();
  } finally {
    object.close();
  }
  return batches;
}

/**
 * The pipeline ceiling, measured in a process of its own started with the agent's V8 flags (the batches go
 * through a temporary file): bench/replay-ceiling.ts.
 */
async function replayInAgentProcess(batches: RawBatch[]): Promise<ReplayResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kinsight-bench-'));
  try {
    const file = join(dir, 'batches.bin');
    writeBatches(file, batches);
    batches.length = 0;
    const child = spawn(process.execPath, [...AGENT_V8_FLAGS, '--import', 'tsx', replayTs, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    return JSON.parse(await firstLine(child, 'ceiling replay', (l) => l.startsWith('{'))) as ReplayResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the agent benchmark loads eBPF programs: run it as root');
  const server = spawn(process.execPath, ['-e', HTTP_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const serverPid = server.pid ?? 0;
  const statsBefore = readFileSync(statsSwitch, 'utf8').trim();
  let agent: Awaited<ReturnType<typeof startAgent>> | null = null;
  try {
    emit('machine_loadavg_1m', loadAverage1m(), 'load', null, 'lower');
    const port = Number(await firstLine(server, 'HTTP server', (l) => /^\d+$/.test(l.trim())));
    await load(port, 0, 1_000); // warm-up (JIT, connection setup)
    const offA = await phase(port, serverPid, RATE, FIXED_MS);
    const offClosed = await phase(port, serverPid, 0, CLOSED_MS);

    agent = await startAgent(await freePort(), 'adaptive');
    const pid = agent.child.pid ?? 0;
    await load(port, RATE, 1_000); // the agent's warm-up
    writeFileSync(statsSwitch, '1');
    const idleBefore = bpfStatsOf(pid);
    await new Promise((r) => setTimeout(r, BACKGROUND_MS));
    const background = delta(bpfStatsOf(pid), idleBefore);
    const eventsBefore = await agent.metric('decode', 'events');
    const bpfBefore = bpfStatsOf(pid);
    const cpuBefore = cpuSecondsOf(pid);
    let rssMax = 0;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssMbOf(pid))), 250);
    const on = await phase(port, serverPid, RATE, FIXED_MS);
    clearInterval(rssTimer);
    const agentCpuPct = ((cpuSecondsOf(pid) - cpuBefore) / on.wallSeconds) * 100;
    const bpf = delta(bpfStatsOf(pid), bpfBefore);
    writeFileSync(statsSwitch, statsBefore);
    // The agent captures every process of the machine: more than 2 events per request (the client's request
    // and response; the server side is skipped in the kernel) is other traffic, and its CPU is in the figure.
    const eventsPerRequest = ((await agent.metric('decode', 'events')) - eventsBefore) / Math.max(1, on.requests);
    const onClosed = await phase(port, serverPid, 0, CLOSED_MS);
    await new Promise((r) => setTimeout(r, 500));
    const ringDrops = await agent.metric('decode', 'ring_drops');
    const droppedBatches = await agent.metric('decode', 'dropped_batches');
    const transactions = await agent.metric('parse', 'transactions');
    const escalations = await agent.metric('schedule', 'escalations');
    agent.child.kill('SIGTERM');
    await once(agent.child, 'exit');
    agent = null;
    const offB = await phase(port, serverPid, RATE, FIXED_MS);

    // The same fixed-rate run with the agent at normal CPU priority, the scheduler's default: what yielding buys.
    agent = await startAgent(await freePort(), 'normal');
    await load(port, RATE, 1_000);
    const onNormal = await phase(port, serverPid, RATE, FIXED_MS);
    agent.child.kill('SIGTERM');
    await once(agent.child, 'exit');
    agent = null;

    const mean = (pick: (p: Phase) => number) => (pick(offA) + pick(offB)) / 2;
    emit('fixed_rate_offered', RATE, 'req/s', null, 'higher');
    emit('throughput_ratio', on.rate / mean((p) => p.rate), 'ratio', 0.97, 'higher');
    emit('throughput_off', mean((p) => p.rate), 'req/s', RATE, 'higher');
    emit('throughput_on', on.rate, 'req/s', RATE, 'higher');
    emit('p50_ratio', on.p50Ms / mean((p) => p.p50Ms), 'ratio', null, 'lower');
    emit('p99_ratio', on.p99Ms / mean((p) => p.p99Ms), 'ratio', 1.1, 'lower');
    emit('p99_ratio_normal_priority', onNormal.p99Ms / mean((p) => p.p99Ms), 'ratio', null, 'lower');
    emit('p50_ratio_normal_priority', onNormal.p50Ms / mean((p) => p.p50Ms), 'ratio', null, 'lower');
    emit('p50_off_ms', mean((p) => p.p50Ms), 'ms', null, 'lower');
    emit('p99_off_ms', mean((p) => p.p99Ms), 'ms', null, 'lower');
    emit('p50_on_ms', on.p50Ms, 'ms', null, 'lower');
    emit('p99_on_ms', on.p99Ms, 'ms', null, 'lower');
    emit('p99_on_normal_priority_ms', onNormal.p99Ms, 'ms', null, 'lower');
    // The two off runs bracket the on run: their spread is the noise floor of the ratios above.
    emit('p99_off_spread', Math.max(offA.p99Ms, offB.p99Ms) / Math.max(1e-9, Math.min(offA.p99Ms, offB.p99Ms)), 'ratio', null, 'lower');
    emit('unsent_off', offA.unsent + offB.unsent, 'requests', 0, 'lower');
    emit('unsent_on', on.unsent, 'requests', 0, 'lower');
    emit('closed_loop_throughput_ratio', onClosed.rate / offClosed.rate, 'ratio', null, 'higher');
    emit('closed_loop_throughput_off', offClosed.rate, 'req/s', null, 'higher');
    emit('closed_loop_throughput_on', onClosed.rate, 'req/s', null, 'higher');
    const backgroundNs = background.runTimeNs * ((on.wallSeconds * 1000) / BACKGROUND_MS);
    const backgroundRuns = background.runCount * ((on.wallSeconds * 1000) / BACKGROUND_MS);
    emit('bpf_ns_per_request', Math.max(0, bpf.runTimeNs - backgroundNs) / Math.max(1, on.requests), 'ns', null, 'lower');
    emit('bpf_runs_per_request', Math.max(0, bpf.runCount - backgroundRuns) / Math.max(1, on.requests), 'runs', null, 'lower');
    emit('bpf_ns_per_request_raw', bpf.runTimeNs / Math.max(1, on.requests), 'ns', null, 'lower');
    emit('bpf_background_ns_per_s', background.runTimeNs / (BACKGROUND_MS / 1000), 'ns', null, 'lower');
    emit('agent_cpu_pct_at_10k', agentCpuPct, '%', null, 'lower');
    emit('agent_rss_mb_at_10k', rssMax, 'MB', 150, 'lower');
    emit('agent_events_per_request', eventsPerRequest, 'events', null, 'lower');
    emit('server_cpu_pct_off', mean((p) => p.serverCpuPct), '%', null, 'lower');
    emit('server_cpu_pct_on', on.serverCpuPct, '%', null, 'lower');
    emit('loadgen_cpu_pct_off', mean((p) => p.loadgenCpuPct), '%', null, 'lower');
    emit('loadgen_cpu_pct_on', on.loadgenCpuPct, '%', null, 'lower');
    emit('machine_busy_pct_off', mean((p) => p.machineBusyPct), '%', null, 'lower');
    emit('machine_busy_pct_on', on.machineBusyPct, '%', null, 'lower');
    emit('ring_drops', ringDrops, 'events', 0, 'lower');
    emit('agent_cpu_escalations', escalations, 'times', null, 'lower');
    emit('pipeline_dropped_batches', droppedBatches, 'batches', 0, 'lower');
    emit('agent_transactions_seen', transactions, 'transactions', null, 'higher');

    const replay = await replayInAgentProcess(await recordRing(port));
    emit('parsed_req_per_s_per_core', replay.perCpuSecond, 'req/s', 90_000, 'higher');
    emit('parsed_req_per_s_per_core_first_pass', replay.firstPassPerCpuSecond, 'req/s', null, 'higher');
    emit('machine_loadavg_1m_end', loadAverage1m(), 'load', null, 'lower');
  } finally {
    writeFileSync(statsSwitch, statsBefore);
    agent?.child.kill('SIGKILL');
    server.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench agent: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
