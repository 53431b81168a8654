/**
 * Starts the demo workload as separate processes — one per service, each named after its service, and
 * the load generator — optionally with product and inventory inside the slow-network scenario's
 * namespace. Used by `run.ts` (npm start) and by the scenario's kernel test, so both run the same thing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SlowNetwork } from './slow-network.js';
import { demoServices } from './topology.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface LoadSummary {
  sent: number;
  answered: number;
  failed: number;
  statuses: Record<string, number>;
}

export interface WorkloadOptions {
  basePort: number;
  /** one request to the gateway every this many milliseconds */
  intervalMs: number;
  /** a reachable Redis (`host:port`) product reads from; ignored inside a namespace */
  redis?: string;
  /** the scenario's namespace (created by the caller, who also destroys it) */
  network?: SlowNetwork;
  /** where the children's output lines go (default: this process's stdout) */
  output?: (line: string) => void;
  /** pause between "all services listen" and the first request, so the agent has seen the listeners */
  settleMs?: number;
}

export interface RunningService {
  name: string;
  pid: number;
  host: string;
  port: number;
}

export interface Workload {
  services: RunningService[];
  gatewayUrl: string;
  /** Stops the load, waits for the calls in flight, and returns what the load generator counted. */
  stopLoad(): Promise<LoadSummary>;
  /** Stops every process (load first); safe to call twice. */
  stop(): Promise<void>;
  /** Sends SIGKILL to every process now (for exit handlers, which cannot wait). */
  kill(): void;
}

const LISTEN_TIMEOUT_MS = 30_000;

export async function startWorkload(opts: WorkloadOptions): Promise<Workload> {
  const output = opts.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const children: ChildProcess[] = [];
  const kill = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const stopAll = async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const deadline = Date.now() + 8_000;
    while (children.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    kill();
  };

  /** Spawns a demo script (inside the namespace when asked) and hands its output lines to `onLine`. */
  const launch = (script: string, args: string[], isolated: boolean, onLine: (line: string) => void): ChildProcess => {
    const argv = ['--import', 'tsx', join(here, script), ...args, '--exit-with-stdin'];
    const [command, commandArgs] = isolated && opts.network ? opts.network.inside(process.execPath, argv) : [process.execPath, argv];
    // stdin stays open and unused: it closes when this process dies, however it dies, and the child follows.
    const child = spawn(command, commandArgs, { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    return child;
  };

  try {
    const isolatedAt = opts.network?.namespaceAddress;
    const services: RunningService[] = [];
    const listening: Promise<void>[] = [];
    for (const svc of demoServices(opts.basePort, isolatedAt)) {
      const args = ['--name', svc.name, '--host', svc.host, '--port', String(svc.port), '--error-rate', String(svc.errorRate), '--work-ms', String(svc.workMs)];
      for (const call of svc.calls) args.push('--call', call);
      if (svc.redis && opts.redis) args.push('--redis', opts.redis);
      let ready: () => void = () => undefined;
      const up = new Promise<void>((resolve) => (ready = resolve));
      const child = launch('service.ts', args, svc.isolated === true, (line) => {
        output(line);
        if (line.includes(' listening on ')) ready();
      });
      services.push({ name: svc.name, pid: child.pid ?? -1, host: svc.host, port: svc.port });
      listening.push(waitUntilUp(child, up, svc.name));
    }
    await Promise.all(listening);
    await new Promise((r) => setTimeout(r, opts.settleMs ?? 1_500));

    const gatewayUrl = `http://127.0.0.1:${opts.basePort}`;
    let summary: LoadSummary | null = null;
    const loadgen = launch('loadgen.ts', ['--target', gatewayUrl, '--interval-ms', String(opts.intervalMs)], false, (line) => {
      const parsed = parseSummary(line);
      if (parsed) summary = parsed;
      else output(line);
    });
    const loadgenExit = once(loadgen, 'exit');

    return {
      services,
      gatewayUrl,
      async stopLoad() {
        if (loadgen.exitCode === null && loadgen.signalCode === null) loadgen.kill('SIGTERM');
        await loadgenExit;
        // The summary line is read before 'exit' fires only if the pipe drained first: give it a moment.
        for (let i = 0; i < 50 && summary === null; i++) await new Promise((r) => setTimeout(r, 20));
        if (summary === null) throw new Error('the load generator exited without printing its counts');
        return summary;
      },
      stop: stopAll,
      kill,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function waitUntilUp(child: ChildProcess, up: Promise<void>, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onExit: (code: number | null, signal: string | null) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    onExit = (code, signal) => reject(new Error(`demo service ${name} exited (${signal ?? `code ${code}`}) before listening`));
    child.once('exit', onExit);
    timer = setTimeout(() => reject(new Error(`demo service ${name} did not listen within ${LISTEN_TIMEOUT_MS / 1000} s`)), LISTEN_TIMEOUT_MS);
  });
  try {
    await Promise.race([up, failed]);
  } finally {
    clearTimeout(timer);
    child.off('exit', onExit);
  }
}

function parseSummary(line: string): LoadSummary | null {
  if (!line.startsWith('{"loadgen":')) return null;
  try {
    const parsed = JSON.parse(line) as { loadgen?: LoadSummary };
    return parsed.loadgen ?? null;
  } catch {
    return null;
  }
}
