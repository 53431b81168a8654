/** Starting, waiting for and stopping the servers the suite runs against. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

export interface Started {
  name: string;
  child: ChildProcess;
  logFile: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('e2e: could not read a free port from the OS'));
      });
    });
  });
}

/** Spawns in its own process group so stop() also ends children (tsx, next workers). */
export function start(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }): Started {
  const log = createWriteStream(options.logFile);
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return { name, child, logFile: options.logFile };
}

/** Polls `url` until it answers 200; fails fast if the process dies first. */
export async function waitForHttp(started: Started, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      throw new Error(`e2e: ${started.name} exited (${started.child.exitCode ?? started.child.signalCode}) before ${url} answered; see ${started.logFile}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`e2e: ${started.name} did not answer 200 at ${url} within ${timeoutMs} ms (${lastError}); see ${started.logFile}`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM the group, SIGKILL it if it lingers. Never throws: teardown must finish. */
export async function stop(started: Started, graceMs = 8_000): Promise<void> {
  const pid = started.child.pid;
  if (pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup('SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([exited(started.child), timer])) === 'timeout') {
    signalGroup('SIGKILL');
    await exited(started.child);
  }
  // Children of the group (e.g. next's workers) may outlive the leader.
  signalGroup('SIGKILL');
}
