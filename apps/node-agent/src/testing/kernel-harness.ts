import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { type CaptureEvent, checkKernelSupport, KernelCapture, type KernelCaptureOptions } from '../capture/index.js';
import { ConnectionTracker, type ObservedTransaction } from '../pipeline/connections.js';

/** Kernel tests run where eBPF can; in CI (CI=true) a test that cannot run fails instead of skipping. */
export const kernelSupport = checkKernelSupport();
export const mustRunKernelTests = kernelSupport.ok || process.env['CI'] === 'true';

export async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The capture and reassembly stages of the agent, recording what they produce. */
export interface CaptureRun {
  capture: KernelCapture;
  tracker: ConnectionTracker;
  transactions: ObservedTransaction[];
  events: CaptureEvent[];
  /** Waits until every event the kernel submitted so far was decoded (or counted as lost). */
  settle(): Promise<void>;
  close(): void;
}

export function startCapture(opts: KernelCaptureOptions & { keepEvents?: boolean } = {}): CaptureRun {
  const { keepEvents = false, ...captureOpts } = opts;
  const transactions: ObservedTransaction[] = [];
  const events: CaptureEvent[] = [];
  const tracker = new ConnectionTracker({ onTransaction: (t) => transactions.push(t) });
  const capture = KernelCapture.open(captureOpts);
  capture.start((batch) => {
    if (keepEvents) events.push(...batch);
    tracker.handle(batch);
  });
  return {
    capture,
    tracker,
    transactions,
    events,
    async settle() {
      const target = capture.stats().submitted;
      await until(() => {
        const s = capture.stats();
        return s.events + s.decodeErrors + s.droppedRecords >= target;
      }, `the ring to hand over ${target} submitted events`);
    },
    close() {
      capture.close();
    },
  };
}

export interface ChildResult {
  pid: number;
  stdout: string;
}

/**
 * Runs `command` to completion in its own process (the capture never sees its own pid), optionally inside
 * a network namespace; rejects with its stderr on a non-zero exit or after `timeoutMs`.
 */
export async function runChild(command: string, args: string[], opts: { netns?: string; timeoutMs?: number } = {}): Promise<ChildResult> {
  const [file, argv] = opts.netns ? ['ip', ['netns', 'exec', opts.netns, command, ...args]] : [command, args];
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${command} exited with ${code ?? signal}: ${stderr.slice(-2000)}`);
  return { pid: child.pid ?? -1, stdout };
}

export const node = (source: string, ...args: string[]) => runChild(process.execPath, ['-e', source, ...args]);
/** The system interpreter, not a version-manager shim (a shim's own stderr would show up as log lines). */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
export const python = (source: string, ...args: string[]) => runChild(PYTHON, ['-c', source, ...args]);
