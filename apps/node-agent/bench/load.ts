/**
 * The programs the agent benchmark runs as separate processes (the agent never captures its own pid):
 * a loopback HTTP server and a keep-alive load generator, fixed-rate or closed-loop, bounded in time.
 */

/** A node:http server answering every request with 200 "ok"; prints its port. */
export const HTTP_SERVER = `
const http = require('node:http');
const srv = http.createServer((req, res) => { req.resume(); res.writeHead(200, { 'content-length': 2 }); res.end('ok'); });
srv.keepAliveTimeout = 60_000;
srv.listen(0, '127.0.0.1', 1024, () => process.stdout.write(srv.address().port + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

/**
 * argv: port connections rate durationMs. rate 0 = closed loop (next request as soon as the answer is in);
 * otherwise requests are scheduled at rate/s spread over the connections, never bursting to catch up.
 * Prints {requests, errors, elapsedMs, p50Ms, p99Ms}.
 */
export const LOAD_GENERATOR = `
const net = require('node:net');
const [port, connections, rate, durationMs] = process.argv.slice(1).map(Number);
const request = Buffer.from('GET /bench HTTP/1.1\\r\\nHost: bench\\r\\n\\r\\n');
const latencies = [];
let requests = 0, errors = 0, open = connections;
const start = process.hrtime.bigint();
const nowMs = () => Number(process.hrtime.bigint() - start) / 1e6;
const interval = rate > 0 ? (connections * 1000) / rate : 0;
for (let c = 0; c < connections; c++) {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  let sentAt = 0, next = (c * interval) / connections, pending = '';
  const send = () => {
    if (nowMs() >= durationMs) { socket.end(); return; }
    const wait = next - nowMs();
    if (wait > 0) { setTimeout(send, wait); return; }
    next = Math.max(next + interval, nowMs());
    sentAt = nowMs();
    socket.write(request);
  };
  socket.on('connect', send);
  socket.on('data', (d) => {
    pending += d.toString('latin1');
    let end;
    while ((end = pending.indexOf('\\r\\n\\r\\nok')) >= 0) {
      pending = pending.slice(end + 6);
      requests++;
      latencies.push(nowMs() - sentAt);
      send();
    }
  });
  socket.on('error', () => { errors++; });
  socket.on('close', () => {
    if (--open > 0) return;
    latencies.sort((a, b) => a - b);
    const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] || 0;
    process.stdout.write(JSON.stringify({ requests, errors, elapsedMs: nowMs(), p50Ms: q(0.5), p99Ms: q(0.99) }) + '\\n');
  });
}
`;

export interface LoadResult {
  requests: number;
  errors: number;
  elapsedMs: number;
  p50Ms: number;
  p99Ms: number;
}
