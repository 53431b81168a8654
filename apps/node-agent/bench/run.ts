/**
 * Agent benchmark: `node --import tsx apps/node-agent/bench/run.ts` (root, BTF, `npx nx run bpf:build`).
 * Prints one JSON line per figure: {"bench":"agent","name","value","unit","goal","better"}.
 *
 * Against a loopback node:http server: a fixed-rate run (10k req/s target) and a closed-loop run, each with
 * the agent off and then on (the real agent process, `main.ts --no-send`), bounded in time. While the agent
 * is on, kernel.bpf_stats_enabled=1 counts the time spent in our programs. Last, the pipeline's own ceiling:
 * ring records captured from real traffic are replayed through decode → reassemble → parse → aggregate on one
 * thread (one core) and the transactions per CPU-second are reported.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { BpfObject } from '@kinsight/libbpf-ts';
import { protocolModule } from '@kinsight/protocol-parsers';
import { CaptureDecoder, defaultObjectPath, ksEnums } from '../src/capture/index.js';
import { EdgeAggregator } from '../src/pipeline/aggregate.js';
import { ConnectionTracker } from '../src/pipeline/connections.js';
import { RouteLimiter } from '../src/pipeline/routes.js';
import { HTTP_SERVER, LOAD_GENERATOR, type LoadResult } from './load.js';

const RATE = 10_000;
const CONNECTIONS = 32;
const PHASE_MS = 6_000;
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
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
  const child = spawn(process.execPath, ['-e', LOAD_GENERATOR, String(port), String(CONNECTIONS), String(rate), String(durationMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await firstLine(child, 'load generator', (l) => l.startsWith('{'));
  return JSON.parse(line) as LoadResult;
}

function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMbOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

/** Run time and count of every loaded ks_* program (ours), from bpftool. */
function ourProgramStats(): { runTimeNs: number; runCount: number } {
  const progs = JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' })) as { name?: string; run_time_ns?: number; run_cnt?: number }[];
  return progs
    .filter((p) => p.name?.startsWith('ks_') === true)
    .reduce((sum, p) => ({ runTimeNs: sum.runTimeNs + (p.run_time_ns ?? 0), runCount: sum.runCount + (p.run_cnt ?? 0) }), { runTimeNs: 0, runCount: 0 });
}

async function startAgent(metricsPort: number): Promise<{ child: ChildProcess; metric: (stage: string, what: string) => Promise<number> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', mainTs, '--no-send', '--metrics-port', String(metricsPort)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  await firstLine(child, 'agent', (l) => l.includes('eBPF capture attached'));
  child.stdout?.resume();
  const metric = async (stage: string, what: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const m = new RegExp(`^kinsight_agent_pipeline\\{stage="${stage}",what="${what}"\\} (\\d+)`, 'm').exec(text);
    return Number(m?.[1] ?? Number.NaN);
  };
  return { child, metric };
}

/** Records raw ring records of real traffic to `port`, for the replay measurement. */
async function recordRing(port: number): Promise<Buffer[]> {
  const object = BpfObject.open(defaultObjectPath);
  const records: Buffer[] = [];
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
    const ring = object.openRingBuffer('ks_events', (batch) => records.push(...batch), { pollMs: 20, maxQueuedBatches: 4096 });
    await load(port, 0, 3_000);
    await new Promise((r) => setTimeout(r, 200));
    ring.close();
  } finally {
    object.close();
  }
  return records;
}

/** decode → reassemble → parse → aggregate over recorded records, on this thread; transactions per CPU-second. */
function replayRate(records: readonly Buffer[]): { perCpuSecond: number; transactions: number } {
  const client = { kind: 'service', name: 'bench-client' } as const;
  const server = { kind: 'service', name: 'bench-server:80' } as const;
  let transactions = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = Date.now();
  while (Date.now() - wallStart < 3_000) {
    const aggregator = new EdgeAggregator();
    const routes = new RouteLimiter();
    const tracker = new ConnectionTracker({
      onTransaction: (t) => {
        transactions++;
        const outcome = protocolModule(t.protocol).outcome(t.tx);
        const path = t.tx.protocol === 'http1' ? t.tx.request.path : null;
        aggregator.add({
          client, server, protocol: t.tx.protocol, operation: outcome.operation, status: outcome.status, error: outcome.error,
          route: path === null ? null : routes.route(server.name, path), startEpochMs: 1_700_000_000_000, latencyMs: 1,
        });
      },
    });
    const decoder = new CaptureDecoder();
    for (let i = 0; i < records.length; i += 1024) tracker.handle(decoder.decodeBatch(records.slice(i, i + 1024)));
    tracker.closeAll();
  }
  const cpu = process.cpuUsage(cpuStart);
  return { perCpuSecond: transactions / ((cpu.user + cpu.system) / 1e6), transactions };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the agent benchmark loads eBPF programs: run it as root');
  const server = spawn(process.execPath, ['-e', HTTP_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const statsBefore = readFileSync(statsSwitch, 'utf8').trim();
  let agent: Awaited<ReturnType<typeof startAgent>> | null = null;
  try {
    const port = Number(await firstLine(server, 'HTTP server', (l) => /^\d+$/.test(l.trim())));
    await load(port, 0, 1_000); // warm-up (JIT, connection setup)
    const offFixed = await load(port, RATE, PHASE_MS);
    const offClosed = await load(port, 0, PHASE_MS);

    agent = await startAgent(await freePort());
    const pid = agent.child.pid ?? 0;
    await load(port, 0, 1_000); // the agent's warm-up
    writeFileSync(statsSwitch, '1');
    const bpfBefore = ourProgramStats();
    const cpuBefore = cpuSecondsOf(pid);
    let rssMax = 0;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssMbOf(pid))), 250);
    const onFixed = await load(port, RATE, PHASE_MS);
    clearInterval(rssTimer);
    const cpuPct = ((cpuSecondsOf(pid) - cpuBefore) / (onFixed.elapsedMs / 1000)) * 100;
    const bpfAfter = ourProgramStats();
    writeFileSync(statsSwitch, statsBefore);
    const onClosed = await load(port, 0, PHASE_MS);
    await new Promise((r) => setTimeout(r, 500));
    const ringDrops = await agent.metric('decode', 'ring_drops');
    const droppedBatches = await agent.metric('decode', 'dropped_batches');
    const transactions = await agent.metric('parse', 'transactions');

    const rate = (r: LoadResult) => r.requests / (r.elapsedMs / 1000);
    emit('throughput_ratio', rate(onClosed) / rate(offClosed), 'ratio', 0.97, 'higher');
    emit('throughput_off', rate(offClosed), 'req/s', null, 'higher');
    emit('throughput_on', rate(onClosed), 'req/s', null, 'higher');
    emit('p50_ratio', onFixed.p50Ms / offFixed.p50Ms, 'ratio', null, 'lower');
    emit('p99_ratio', onFixed.p99Ms / offFixed.p99Ms, 'ratio', 1.1, 'lower');
    emit('p50_off_ms', offFixed.p50Ms, 'ms', null, 'lower');
    emit('p99_off_ms', offFixed.p99Ms, 'ms', null, 'lower');
    emit('fixed_rate_achieved', rate(onFixed), 'req/s', RATE, 'higher');
    emit('bpf_ns_per_request', (bpfAfter.runTimeNs - bpfBefore.runTimeNs) / Math.max(1, onFixed.requests), 'ns', null, 'lower');
    emit('bpf_runs_per_request', (bpfAfter.runCount - bpfBefore.runCount) / Math.max(1, onFixed.requests), 'runs', null, 'lower');
    emit('agent_cpu_pct_at_10k', cpuPct, '%', null, 'lower');
    emit('agent_rss_mb_at_10k', rssMax, 'MB', 150, 'lower');
    emit('ring_drops', ringDrops, 'events', 0, 'lower');
    emit('pipeline_dropped_batches', droppedBatches, 'batches', 0, 'lower');
    emit('agent_transactions_seen', transactions, 'transactions', null, 'higher');
    agent.child.kill('SIGTERM');
    await once(agent.child, 'exit');
    agent = null;

    const records = await recordRing(port);
    const replay = replayRate(records);
    emit('parsed_req_per_s_per_core', replay.perCpuSecond, 'req/s', 90_000, 'higher');
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
