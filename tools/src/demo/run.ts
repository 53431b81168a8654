/**
 * Starts the demo workload as separate processes (one per service, each named after its service) and
 * stops them all on SIGINT/SIGTERM.
 *
 *   node --import tsx tools/src/demo/run.ts [--base-port 7101] [--redis 127.0.0.1:6379] [--interval-ms 300]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { demoServices } from './topology.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    'base-port': { type: 'string', default: '7101' },
    redis: { type: 'string', default: '127.0.0.1:6379' },
    'interval-ms': { type: 'string', default: '300' },
  },
});
const basePort = Number(values['base-port']);

function reachable(target: string): Promise<boolean> {
  const [host = '127.0.0.1', port = '6379'] = target.split(':');
  return new Promise((resolve) => {
    const s = connect({ host, port: Number(port) });
    s.setTimeout(300, () => {
      s.destroy();
      resolve(false);
    });
    s.on('connect', () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

function start(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(here, script), ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
}

const redis = (await reachable(values.redis)) ? values.redis : undefined;
process.stdout.write(`[demo] Redis ${redis ? `reachable at ${redis}: product reads from it` : 'not reachable: skipped'}\n`);
const children: ChildProcess[] = [];
for (const svc of demoServices(basePort)) {
  const args = ['--name', svc.name, '--port', String(svc.port), '--error-rate', String(svc.errorRate), '--work-ms', String(svc.workMs)];
  for (const call of svc.calls) args.push('--call', call);
  if (svc.redis && redis) args.push('--redis', redis);
  children.push(start('service.ts', args));
}
// Give the services a moment to listen before traffic starts.
await new Promise((r) => setTimeout(r, 1_500));
children.push(start('loadgen.ts', ['--target', `http://127.0.0.1:${basePort}`, '--interval-ms', values['interval-ms']]));

const stop = () => {
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(0), 1_000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
