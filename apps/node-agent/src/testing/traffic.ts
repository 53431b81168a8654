import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * Real HTTP traffic from separate processes (the agent never captures its own process): a server whose
 * process name is `serverName` answering `/status/<code>` with that code, and a client that sends an exact
 * plan of requests, some over one keep-alive connection and some each on a new connection.
 */
const SERVER = `
process.title = process.argv[1];
const http = require('node:http');
const srv = http.createServer((req, res) => {
  const code = Number((req.url || '').split('/').pop()) || 200;
  res.writeHead(code, { 'content-type': 'text/plain' });
  res.end('status ' + code);
});
srv.listen(0, process.argv[2], () => process.stdout.write(srv.address().port + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

const CLIENT = `
process.title = process.argv[1];
const http = require('node:http');
const [host, port, plan] = [process.argv[2], Number(process.argv[3]), JSON.parse(process.argv[4])];
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (path, agent) => new Promise((resolve, reject) => {
  const req = http.request({ host, port, path, agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
  req.on('error', reject);
  req.end();
});
(async () => {
  const seen = [];
  for (const step of plan) seen.push(await get('/status/' + step.status, step.newConnection ? false : keepAlive));
  keepAlive.destroy();
  process.stdout.write(JSON.stringify(seen) + '\\n');
})().catch((e) => { console.error(e); process.exit(1); });
`;

export interface PlannedRequest {
  status: number;
  newConnection: boolean;
}

export async function startServer(name: string, host = '127.0.0.1'): Promise<{ port: number; pid: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER, name, host], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return { port: Number(line.toString().trim()), pid: child.pid ?? -1, child };
}

/** Runs the client to completion and returns the statuses it saw, in order. */
export async function runClient(name: string, host: string, port: number, plan: PlannedRequest[]): Promise<number[]> {
  const child = spawn(process.execPath, ['-e', CLIENT, name, host, String(port), JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`client exited with ${code}`);
  return JSON.parse(out.trim()) as number[];
}

/** Like runClient, and also says which pid made the calls (to pick its transactions out of a capture). */
export async function runClientWithPid(name: string, host: string, port: number, plan: PlannedRequest[]): Promise<{ pid: number; seen: number[] }> {
  const child = spawn(process.execPath, ['-e', CLIENT, name, host, String(port), JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`client exited with ${code}`);
  return { pid: child.pid ?? -1, seen: JSON.parse(out.trim()) as number[] };
}
