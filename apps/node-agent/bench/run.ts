/**
 * Agent benchmark: `npm run bench -- agent` (root, BTF, `npx nx run bpf:build`). Prints one JSON line per
 * figure: {"bench":"agent","name","value","unit","goal","better"}. What each figure measures:
 * docs/AGENT-BENCH.md.
 *
 * Against a loopback node:http server, at a fixed offered rate (10k req/s, open loop: latency counts from
 * when a request was due): windows with the agent off and on (the real agent process as `npm run agent` runs
 * it — the launch.mjs bundle with its V8 flags — with `--no-send`, started fresh for each), alternating off on on off off on … so drift from other work on the machine falls
 * on both sides; the ratios compare the medians of each side's throughput and p50/p99 latency. A closed-loop
 * run each way is reported as an extra, named closed_loop_*: it saturates the machine, so on a small machine
 * it measures who gets the CPU rather than what a request costs. In an agent session of its own,
 * kernel.bpf_stats_enabled=1 times the agent's own BPF programs (first over an idle window, the background of
 * other processes' syscalls, then under load). Last, the pipeline's own ceiling: ring records of real traffic
 * are replayed through decode → reassemble → parse → aggregate on one thread and the transactions per
 * CPU-second are reported.
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
import { AGENT_NODE_FLAGS, bundleAgent } from '../launch.mjs';

/** The offered rate of the on/off comparison; the RSS and CPU goals are stated at 10k req/s. */
const RATE = 10_000;
/** Enough keep-alive connections that one in flight each never caps the offered rate (64 × 6.4 ms). */
const CONNECTIONS = 64;
const FIXED_MS = 6_000;
/**
 * Fixed-rate windows per side (agent off, agent on). One window's p99 rests on its ~600 slowest requests: a
 * single ~100 ms stall of a VM whose host steals CPU time moves it 2-10x, off or on (seen here: off windows
 * 3.8–43 ms in one run). The ratios are taken between the medians of several short windows, so a stall
 * weighs on one window of one side instead of on the whole figure.
 */
const PAIRS = 8;
/** The window in which kernel.bpf_stats_enabled times the agent's programs. */
const BPF_MS = 5_000;
/** Each load run first runs this long uncounted, after all its connections are up (bench/load.ts). */
const WARMUP_MS = 1_000;
const CLOSED_MS = 4_000;
/** The agent's BPF time with no load: other processes' syscalls, subtracted from the per-request figure. */
const BACKGROUND_MS = 2_000;
const replayTs = fileURLToPath(new URL('./replay-ceiling.ts', import.meta.url));
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

async function startAgent(entry: string, metricsPort: number, cpuPriority: 'adaptive' | 'normal'): Promise<{ child: ChildProcess; metric: (stage: string, what: string) => Promise<number> }> {
  // As `npm run agent` and `npm start` run it: the bundle (launch.mjs) with the agent's V8 flags.
  const args = [...AGENT_NODE_FLAGS, entry, '--no-send', '--metrics-port', String(metricsPort), '--cpu-priority', cpuPriority];
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
    const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, '--import', 'tsx', replayTs, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    return JSON.parse(await firstLine(child, 'ceiling replay', (l) => l.startsWith('{'))) as ReplayResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The median of a non-empty list. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const spread = (values: readonly number[]): number => Math.max(...values) / Math.max(1e-9, Math.min(...values));

/** A fixed-rate window with the agent on, plus what the agent did meanwhile. */
interface OnWindow extends Phase {
  agentCpuPct: number;
  agentRssMb: number;
}

type Agent = Awaited<ReturnType<typeof startAgent>>;

/** A fresh agent, warmed with 1 s of the fixed-rate load (JIT, first /proc scans) before anything is measured. */
async function startWarmAgent(entry: string, port: number, cpuPriority: 'adaptive' | 'normal'): Promise<Agent> {
  const agent = await startAgent(entry, await freePort(), cpuPriority);
  await load(port, RATE, 1_000);
  return agent;
}

async function stopAgent(agent: Agent): Promise<void> {
  agent.child.kill('SIGTERM');
  if (agent.child.exitCode === null) await once(agent.child, 'exit');
}

/** One fixed-rate window with `agent` running: latency, the agent's CPU over the window and its largest RSS. */
async function onWindow(port: number, serverPid: number, agent: Agent): Promise<OnWindow> {
  const pid = agent.child.pid ?? 0;
  const cpuBefore = cpuSecondsOf(pid);
  let rssMax = rssMbOf(pid);
  const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssMbOf(pid))), 250);
  const window = await phase(port, serverPid, RATE, FIXED_MS);
  clearInterval(rssTimer);
  return { ...window, agentCpuPct: ((cpuSecondsOf(pid) - cpuBefore) / window.wallSeconds) * 100, agentRssMb: Math.max(rssMax, rssMbOf(pid)) };
}

function logWindow(label: string, w: Phase): void {
  process.stderr.write(`${label}: ${Math.round(w.rate)} req/s, p50 ${w.p50Ms.toFixed(3)} ms, p99 ${w.p99Ms.toFixed(2)} ms\n`);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the agent benchmark loads eBPF programs: run it as root');
  const server = spawn(process.execPath, ['-e', HTTP_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const serverPid = server.pid ?? 0;
  const statsBefore = readFileSync(statsSwitch, 'utf8').trim();
  let agent: Agent | null = null;
  try {
    emit('machine_loadavg_1m', loadAverage1m(), 'load', null, 'lower');
    const port = Number(await firstLine(server, 'HTTP server', (l) => /^\d+$/.test(l.trim())));
    await load(port, 0, 1_000); // warm-up (JIT, connection setup)
    const entry = await bundleAgent();
    const offClosed = await phase(port, serverPid, 0, CLOSED_MS);

    // The latency windows: off and on alternate, off on on off off on …, so drift over the run falls on
    // both sides. Each on window starts a fresh agent, as a node would after a restart, and warms it 1 s.
    const offs: Phase[] = [];
    const ons: OnWindow[] = [];
    let ringDrops = 0;
    let droppedBatchesFixedRate = 0;
    let escalations = 0;
    for (let pair = 0; pair < PAIRS; pair++) {
      for (const side of pair % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        if (side === 'off') {
          offs.push(await phase(port, serverPid, RATE, FIXED_MS));
          logWindow(`window off ${offs.length}`, offs.at(-1) as Phase);
          continue;
        }
        agent = await startWarmAgent(entry, port, 'adaptive');
        ons.push(await onWindow(port, serverPid, agent));
        logWindow(`window on ${ons.length}`, ons.at(-1) as OnWindow);
        ringDrops += await agent.metric('decode', 'ring_drops');
        droppedBatchesFixedRate += await agent.metric('decode', 'dropped_batches');
        escalations += await agent.metric('schedule', 'escalations');
        await stopAgent(agent);
        agent = null;
      }
    }

    // The agent's own BPF time, events per request and the saturating closed loop, in an agent session of
    // their own (kernel.bpf_stats_enabled times every program run, which the latency windows should not pay).
    agent = await startWarmAgent(entry, port, 'adaptive');
    const pid = agent.child.pid ?? 0;
    writeFileSync(statsSwitch, '1');
    const idleBefore = bpfStatsOf(pid);
    await new Promise((r) => setTimeout(r, BACKGROUND_MS));
    const background = delta(bpfStatsOf(pid), idleBefore);
    const eventsBefore = await agent.metric('decode', 'events');
    const bpfBefore = bpfStatsOf(pid);
    const timed = await phase(port, serverPid, RATE, BPF_MS);
    const bpf = delta(bpfStatsOf(pid), bpfBefore);
    writeFileSync(statsSwitch, statsBefore);
    // The agent captures every process of the machine: more than 2 events per request (the client's request
    // and response; the server side is skipped in the kernel) is other traffic, and its CPU is in the figure.
    const eventsPerRequest = ((await agent.metric('decode', 'events')) - eventsBefore) / Math.max(1, timed.requests);
    const onClosed = await phase(port, serverPid, 0, CLOSED_MS);
    await new Promise((r) => setTimeout(r, 500));
    ringDrops += await agent.metric('decode', 'ring_drops');
    const droppedBatchesClosedLoopSession = await agent.metric('decode', 'dropped_batches');
    const closedEscalations = await agent.metric('schedule', 'escalations');
    const transactions = await agent.metric('parse', 'transactions');
    await stopAgent(agent);
    agent = null;

    // One window with the agent at normal CPU priority, the scheduler's default: what yielding buys.
    agent = await startWarmAgent(entry, port, 'normal');
    const onNormal = await onWindow(port, serverPid, agent);
    logWindow('window on, normal priority', onNormal);
    await stopAgent(agent);
    agent = null;

    const offMedian = (pick: (p: Phase) => number) => median(offs.map(pick));
    const onMedian = (pick: (p: OnWindow) => number) => median(ons.map(pick));
    const pairRatios = ons.map((on, i) => on.p99Ms / (offs[i]?.p99Ms ?? Number.NaN));
    emit('fixed_rate_offered', RATE, 'req/s', null, 'higher');
    emit('latency_windows_per_side', PAIRS, 'windows', null, 'higher');
    emit('throughput_ratio', onMedian((p) => p.rate) / offMedian((p) => p.rate), 'ratio', 0.97, 'higher');
    emit('throughput_off', offMedian((p) => p.rate), 'req/s', RATE, 'higher');
    emit('throughput_on', onMedian((p) => p.rate), 'req/s', RATE, 'higher');
    emit('p50_ratio', onMedian((p) => p.p50Ms) / offMedian((p) => p.p50Ms), 'ratio', null, 'lower');
    emit('p99_ratio', onMedian((p) => p.p99Ms) / offMedian((p) => p.p99Ms), 'ratio', 1.1, 'lower');
    emit('p99_ratio_best_pair', Math.min(...pairRatios), 'ratio', null, 'lower');
    emit('p99_ratio_worst_pair', Math.max(...pairRatios), 'ratio', null, 'lower');
    emit('p99_ratio_normal_priority', onNormal.p99Ms / offMedian((p) => p.p99Ms), 'ratio', null, 'lower');
    emit('p50_ratio_normal_priority', onNormal.p50Ms / offMedian((p) => p.p50Ms), 'ratio', null, 'lower');
    emit('p50_off_ms', offMedian((p) => p.p50Ms), 'ms', null, 'lower');
    emit('p99_off_ms', offMedian((p) => p.p99Ms), 'ms', null, 'lower');
    emit('p50_on_ms', onMedian((p) => p.p50Ms), 'ms', null, 'lower');
    emit('p99_on_ms', onMedian((p) => p.p99Ms), 'ms', null, 'lower');
    emit('p99_on_normal_priority_ms', onNormal.p99Ms, 'ms', null, 'lower');
    // Largest ÷ smallest p99 over the windows of one side: the noise floor of the ratios above.
    emit('p99_off_spread', spread(offs.map((p) => p.p99Ms)), 'ratio', null, 'lower');
    emit('p99_on_spread', spread(ons.map((p) => p.p99Ms)), 'ratio', null, 'lower');
    emit('unsent_off', offs.reduce((sum, p) => sum + p.unsent, 0), 'requests', 0, 'lower');
    emit('unsent_on', ons.reduce((sum, p) => sum + p.unsent, 0), 'requests', 0, 'lower');
    emit('closed_loop_throughput_ratio', onClosed.rate / offClosed.rate, 'ratio', null, 'higher');
    emit('closed_loop_throughput_off', offClosed.rate, 'req/s', null, 'higher');
    emit('closed_loop_throughput_on', onClosed.rate, 'req/s', null, 'higher');
    const backgroundNs = background.runTimeNs * ((timed.wallSeconds * 1000) / BACKGROUND_MS);
    const backgroundRuns = background.runCount * ((timed.wallSeconds * 1000) / BACKGROUND_MS);
    emit('bpf_ns_per_request', Math.max(0, bpf.runTimeNs - backgroundNs) / Math.max(1, timed.requests), 'ns', null, 'lower');
    emit('bpf_runs_per_request', Math.max(0, bpf.runCount - backgroundRuns) / Math.max(1, timed.requests), 'runs', null, 'lower');
    emit('bpf_ns_per_request_raw', bpf.runTimeNs / Math.max(1, timed.requests), 'ns', null, 'lower');
    emit('bpf_background_ns_per_s', background.runTimeNs / (BACKGROUND_MS / 1000), 'ns', null, 'lower');
    emit('agent_cpu_pct_at_10k', onMedian((p) => p.agentCpuPct), '%', null, 'lower');
    emit('agent_rss_mb_at_10k', Math.max(...ons.map((p) => p.agentRssMb)), 'MB', 150, 'lower');
    emit('agent_events_per_request', eventsPerRequest, 'events', null, 'lower');
    emit('server_cpu_pct_off', offMedian((p) => p.serverCpuPct), '%', null, 'lower');
    emit('server_cpu_pct_on', onMedian((p) => p.serverCpuPct), '%', null, 'lower');
    emit('loadgen_cpu_pct_off', offMedian((p) => p.loadgenCpuPct), '%', null, 'lower');
    emit('loadgen_cpu_pct_on', onMedian((p) => p.loadgenCpuPct), '%', null, 'lower');
    emit('machine_busy_pct_off', offMedian((p) => p.machineBusyPct), '%', null, 'lower');
    emit('machine_busy_pct_on', onMedian((p) => p.machineBusyPct), '%', null, 'lower');
    emit('ring_drops', ringDrops, 'events', 0, 'lower');
    emit('agent_cpu_escalations', escalations, 'times', null, 'lower');
    emit('agent_cpu_escalations_closed_loop', closedEscalations, 'times', null, 'lower');
    emit('pipeline_dropped_batches', droppedBatchesFixedRate + droppedBatchesClosedLoopSession, 'batches', 0, 'lower');
    // Split: the fixed-rate latency windows, and the agent session that times BPF at 10k req/s and then runs
    // the saturating closed loop (where an agent under SCHED_IDLE gets no CPU until it is 2 s behind and
    // escalates; docs/AGENT-BENCH.md).
    emit('pipeline_dropped_batches_fixed_rate', droppedBatchesFixedRate, 'batches', 0, 'lower');
    emit('pipeline_dropped_batches_closed_loop_session', droppedBatchesClosedLoopSession, 'batches', null, 'lower');
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
