// Runs tcp-probe-child.ts in its own process, so the events it causes come
// from a pid the test does not exclude.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface ProbeConfig {
  host: '127.0.0.1' | '::1';
  /** Process (and main-thread comm) name, at most 15 bytes. */
  title: string;
  /** Base64 payloads, sent one at a time. */
  messages: string[];
}

export interface ProbeReport {
  pid: number;
  serverPort: number;
  clientPort: number;
}

const childPath = fileURLToPath(new URL('./tcp-probe-child.ts', import.meta.url));

export async function runTcpProbe(host: ProbeConfig['host'], title: string, messages: Buffer[]): Promise<ProbeReport> {
  const config: ProbeConfig = { host, title, messages: messages.map((m) => m.toString('base64')) };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', childPath, JSON.stringify(config)], {
    timeout: 30_000,
  });
  return JSON.parse(stdout) as ProbeReport;
}
