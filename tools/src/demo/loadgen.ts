/**
 * Demo traffic: calls the gateway every few hundred milliseconds, forever (until stopped), over a
 * keep-alive connection, like a browser or another cluster would.
 */
import { request, Agent as HttpAgent } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { target: { type: 'string' }, 'interval-ms': { type: 'string', default: '300' } } });
if (!values.target) throw new Error('loadgen.ts needs --target http://host:port');
process.title = 'loadgen';
const target = new URL(values.target);
const paths = ['/api/products', '/api/products', '/api/cart', '/api/checkout'];
const agent = new HttpAgent({ keepAlive: true, maxSockets: 2 });
let n = 0;

const timer = setInterval(() => {
  const path = paths[n++ % paths.length] ?? '/';
  const req = request(new URL(path, target), { agent, timeout: 5_000 }, (res) => res.resume());
  req.on('timeout', () => req.destroy());
  req.on('error', () => undefined);
  req.end();
}, Number(values['interval-ms']));
process.on('SIGTERM', () => {
  clearInterval(timer);
  agent.destroy();
});
