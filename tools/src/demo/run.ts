/**
 * Starts the demo workload (one process per service, each named after its service, plus the load
 * generator) and stops it all on SIGINT/SIGTERM.
 *
 *   node --import tsx tools/src/demo/run.ts [--base-port 7101] [--redis 127.0.0.1:6379] [--interval-ms 300]
 *        [--scenario slow-network [--fault-after 3m] [--fault-for 0] [--loss 20] [--rate-kbit N]]
 *
 * The slow-network scenario (root) runs product and inventory in a network namespace joined to the host
 * by a veth; after a healthy baseline it drops a share of the packets arriving at product, so the gateway
 * retransmits and its calls to product slow down. SIGUSR1 switches the fault on, SIGUSR2 off.
 */
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { formatDuration, parseDuration } from './duration.js';
import { type Fault, SlowNetwork } from './slow-network.js';
import { startWorkload, type Workload } from './workload.js';

const SCENARIOS = ['slow-network'] as const;

const { values } = parseArgs({
  options: {
    'base-port': { type: 'string', default: '7101' },
    redis: { type: 'string', default: '127.0.0.1:6379' },
    'interval-ms': { type: 'string', default: '300' },
    scenario: { type: 'string' },
    'fault-after': { type: 'string', default: '3m' },
    'fault-for': { type: 'string', default: '0' },
    loss: { type: 'string', default: '20' },
    'rate-kbit': { type: 'string' },
  },
});

function say(message: string): void {
  process.stdout.write(`[demo] ${message}\n`);
}

function fail(message: string): never {
  process.stderr.write(`[demo] ${message}\n`);
  process.exit(2);
}

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

const basePort = Number(values['base-port']);
const intervalMs = Number(values['interval-ms']);
if (!Number.isInteger(basePort) || basePort < 1 || basePort > 65_532) fail(`--base-port ${values['base-port']}: use a port from 1 to 65532`);
if (!(intervalMs >= 1)) fail(`--interval-ms ${values['interval-ms']}: use a positive number of milliseconds`);
const scenario = values.scenario;
if (scenario !== undefined && !SCENARIOS.some((s) => s === scenario)) fail(`--scenario ${scenario}: known scenarios are ${SCENARIOS.join(', ')}`);

let fault: Fault | null = null;
let faultAfterMs = 0;
let faultForMs = 0;
if (scenario === 'slow-network') {
  try {
    faultAfterMs = parseDuration(values['fault-after']);
    faultForMs = parseDuration(values['fault-for']);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const lossPercent = Number(values.loss);
  const rateKbit = values['rate-kbit'] === undefined ? undefined : Number(values['rate-kbit']);
  if (!(lossPercent > 0 && lossPercent <= 100)) fail(`--loss ${values.loss}: use a percentage above 0, at most 100`);
  if (rateKbit !== undefined && !(rateKbit >= 8)) fail(`--rate-kbit ${values['rate-kbit']}: use 8 or more`);
  if (process.getuid?.() !== 0) fail('the slow-network scenario needs root (it creates a network namespace, a veth and tc filters)');
  fault = { lossPercent, ...(rateKbit === undefined ? {} : { rateKbit }) };
}

const network = fault ? new SlowNetwork('demo', 1) : null;
let workload: Workload | null = null;
// A crash must not leave the namespace behind; a SIGKILL's leftovers are removed by the next create().
process.on('exit', () => {
  workload?.kill();
  network?.destroy();
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await workload?.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

const describeFault = (f: Fault) => `${f.lossPercent}% of the packets to product dropped${f.rateKbit ? `, ${f.rateKbit} kbit/s limit` : ''}`;
/** A fault switch that fails says why and leaves the demo running. */
const guarded = (step: () => void) => () => {
  try {
    step();
  } catch (error) {
    process.stderr.write(`[demo] switching the fault failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
};
const switchOn = guarded(() => {
  if (!network || !fault || stopping) return;
  network.faultOn(fault);
  say(`fault ON at ${new Date().toLocaleTimeString()}: ${describeFault(fault)} (gateway → product retransmits and slows down); watch the gateway's latency alert and its root-cause report in the dashboard`);
  if (faultForMs > 0) setTimeout(switchOff, faultForMs).unref();
});
const switchOff = guarded(() => {
  if (!network || stopping) return;
  network.faultOff();
  say(`fault OFF at ${new Date().toLocaleTimeString()}: gateway → product is healthy again`);
});

try {
  network?.create();
  const redisReachable = network ? false : await reachable(values.redis);
  if (network) say(`scenario slow-network: product and inventory run in network namespace ${network.netns}; gateway calls product at ${network.namespaceAddress} over the veth ${network.hostDevice}`);
  else say(`Redis ${redisReachable ? `reachable at ${values.redis}: product reads from it` : 'not reachable: skipped'}`);
  workload = await startWorkload({ basePort, intervalMs, ...(redisReachable ? { redis: values.redis } : {}), ...(network ? { network } : {}) });
  if (network && fault) {
    const at = new Date(Date.now() + faultAfterMs).toLocaleTimeString();
    say(`healthy baseline now; the fault (${describeFault(fault)}) switches on in ${formatDuration(faultAfterMs)}, at ${at} (change with --fault-after)`);
    say(`switch it yourself at any time: kill -USR1 ${process.pid} (on), kill -USR2 ${process.pid} (off)`);
    setTimeout(switchOn, faultAfterMs).unref();
    process.on('SIGUSR1', switchOn);
    process.on('SIGUSR2', switchOff);
  }
} catch (error) {
  process.stderr.write(`[demo] start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await workload?.stop();
  process.exit(1);
}
