import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { batch, edge } from './testing/fixtures.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('main (what `npm run api` runs)', () => {
  it('migrates PGlite, registers KINSIGHT_AGENT_TOKEN, prints its URL once, serves, and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kinsight-main-'));
    // The child gets this process's environment (PATH and friends) with the API's variables on top.
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        ...process.env,
        DATABASE_URL: '',
        KINSIGHT_DATA_DIR: join(dir, 'nested', 'db'),
        HOST: '127.0.0.1',
        PORT: '0',
        KINSIGHT_AGENT_TOKEN: 'main-test-token',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const stderr: string[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const logged: { msg: string; url?: string }[] = [];
    try {
      const url = await new Promise<string>((resolve, reject) => {
        lines.on('line', (line) => {
          const entry = JSON.parse(line) as { msg: string; url?: string };
          logged.push(entry);
          if (entry.url) resolve(entry.url);
        });
        void exited.then((code) => reject(new Error(`main exited with ${code} before listening: ${stderr.join('')}`)));
      });
      expect(logged).toHaveLength(1);
      expect(logged[0]?.msg).toBe(`kinsight api listening on ${url} (tRPC at ${url}/trpc)`);

      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const response = await fetch(`${url}/trpc/ingest.batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer main-test-token' },
        body: JSON.stringify(batch([edge({ bucketStart: Math.floor(Date.now() / 10_000) * 10_000 })])),
      });
      expect(response.status).toBe(200);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(logged.map((entry) => entry.msg).slice(-2)).toEqual(['shutting down: closing the server, then the database', 'stopped']);
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
