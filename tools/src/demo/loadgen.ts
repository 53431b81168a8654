/**
 * Demo traffic: calls the gateway every few hundred milliseconds over a keep-alive connection, like a
 * browser or another cluster would — forever, or until `--max-requests`. On SIGTERM (or after the last
 * request) it stops sending, waits for the calls in flight, and prints what it counted as one JSON line
 * `{"loadgen":{"sent":…,"answered":…,"failed":…,"statuses":{"200":…}}}`: the truth the agent's counts are
 * checked against.
 */
import { request, Agent as HttpAgent } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    'interval-ms': { type: 'string', default: '300' },
    'max-requests': { type: 'string' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
if (!values.target) throw new Error('loadgen.ts needs --target http://host:port');
const intervalMs = Number(values['interval-ms']);
const maxRequests = values['max-requests'] === undefined ? Number.POSITIVE_INFINITY : Number(values['max-requests']);
if (!(intervalMs >= 1) || !(maxRequests >= 1)) throw new Error('loadgen.ts: --interval-ms and --max-requests must be positive numbers');
process.title = 'loadgen';
const target = new URL(values.target);
const paths = ['/api/products', '/api/products', '/api/cart', '/api/checkout'];
const agent = new HttpAgent({ keepAlive: true, maxSockets: 2 });
const counts = { sent: 0, answered: 0, failed: 0, statuses: {} as Record<string, number> };
let inFlight = 0;

function send(): void {
  const path = paths[counts.sent % paths.length] ?? '/';
  counts.sent++;
  inFlight++;
  let settled = false;
  const settle = (status: number | null) => {
    if (settled) return;
    settled = true;
    inFlight--;
    if (status === null) counts.failed++;
    else {
      counts.answered++;
      counts.statuses[status] = (counts.statuses[status] ?? 0) + 1;
    }
  };
  const req = request(new URL(path, target), { agent, timeout: 5_000 }, (res) => {
    res.resume();
    res.on('end', () => settle(res.statusCode ?? 0));
    res.on('error', () => settle(null));
  });
  req.on('timeout', () => req.destroy());
  req.on('error', () => settle(null));
  req.end();
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  // Bounded: a request's own timeout ends it within 5 s.
  const deadline = Date.now() + 6_000;
  while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ loadgen: counts })}\n`);
  process.exit(0);
}

const timer = setInterval(() => {
  if (counts.sent >= maxRequests) void stop();
  else send();
}, intervalMs);
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// The launcher holds our stdin open: when it dies, even by SIGKILL, we stop too instead of living on.
if (values['exit-with-stdin']) process.stdin.on('end', () => void stop()).resume();
