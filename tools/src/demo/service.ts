/**
 * One demo microservice: a plain HTTP server that, for each request, calls its downstreams over real
 * TCP (keep-alive) and answers with what they said. Its process name is the service name, which is how
 * the agent's foundation-level identity (process name + listening port) names it.
 *
 *   node --import tsx tools/src/demo/service.ts --name product --port 7102 [--host 127.0.0.1] \
 *        --call inventory=http://127.0.0.1:7103/stock --redis 127.0.0.1:6379 --error-rate 0.02
 */
import { createServer, request, Agent as HttpAgent } from 'node:http';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    call: { type: 'string', multiple: true, default: [] },
    redis: { type: 'string' },
    'error-rate': { type: 'string', default: '0' },
    'work-ms': { type: 'string', default: '2' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
if (!values.name || !values.port) throw new Error('service.ts needs --name and --port');
const name = values.name;
process.title = name;

const downstreams = values.call.map((spec) => {
  const at = spec.indexOf('=');
  if (at <= 0) throw new Error(`--call ${spec}: expected name=url`);
  return { name: spec.slice(0, at), url: new URL(spec.slice(at + 1)) };
});
const errorRate = Number(values['error-rate']);
const workMs = Number(values['work-ms']);
const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: 4 });

function callDownstream(url: URL): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: keepAlive, method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** One GET over RESP when Redis is reachable; the demo works without it. */
function redisGet(target: string, key: string): Promise<void> {
  const [host = '127.0.0.1', port = '6379'] = target.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    socket.setTimeout(500, () => socket.destroy());
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    socket.once('data', () => socket.end());
    socket.write(`*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`);
  });
}

const server = createServer((req, res) => {
  const started = Date.now();
  void (async () => {
    const statuses = await Promise.all(downstreams.map((d) => callDownstream(d.url)));
    if (values.redis) await redisGet(values.redis, `${name}:${req.url ?? '/'}`);
    const wait = workMs * (0.5 + Math.random());
    await new Promise((r) => setTimeout(r, wait));
    const failed = Math.random() < errorRate || statuses.some((s) => s >= 500 || s === 0);
    res.writeHead(failed ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ service: name, path: req.url, downstream: statuses, ms: Date.now() - started }));
  })();
});
server.keepAliveTimeout = 30_000;
server.listen(Number(values.port), values.host, () => {
  process.stdout.write(`[demo] ${name} listening on ${values.host}:${values.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
// The launcher holds our stdin open: when it dies, even by SIGKILL, we go too instead of living on.
if (values['exit-with-stdin']) process.stdin.on('end', () => process.exit(0)).resume();
