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
 * argv: port connections rate durationMs warmupMs.
 *
 * Every connection is opened first; the clock starts when the last one is up. The first `warmupMs` run the
 * same load uncounted (the generator's JIT and the server's warm-up were a large part of p99 when requests
 * due at 0 ms waited for 64 connects), then `durationMs` are measured.
 *
 * rate > 0, fixed rate (open loop): request i is due at i/rate seconds, whatever happened before. A due
 * request goes out on the first idle keep-alive connection (HTTP/1.1 allows one in flight per connection);
 * when none is idle it waits, and its latency still counts from when it was due — a stall shows up as
 * latency instead of silently lowering the offered rate (no coordinated omission). Requests still waiting
 * at the end are not sent and are counted as `unsent`; answers are awaited at most 2 s longer.
 *
 * rate 0, closed loop: every connection sends its next request as soon as the answer is in (a saturation
 * figure: on a shared machine it measures who gets the CPU, not a fixed load). Latency counts from the send.
 *
 * Prints {requests, errors, unsent, elapsedMs, p50Ms, p99Ms, cpuMs} for the measured window: elapsedMs runs
 * to its last answer and is at least durationMs; cpuMs is this generator's own CPU time, warm-up included.
 */
export const LOAD_GENERATOR = `
const net = require('node:net');
const [port, connections, rate, durationMs, warmupMs = 0] = process.argv.slice(1).map(Number);
const endMs = warmupMs + durationMs;
const request = Buffer.from('GET /bench HTTP/1.1\\r\\nHost: bench\\r\\n\\r\\n');
// Preallocated: a growing array of 100k+ numbers is garbage the generator would collect mid-run.
const latencies = new Float64Array(Math.ceil((rate > 0 ? rate : 100000) * (durationMs / 1000 + 3)));
const idle = [];
let measured = 0, requests = 0, errors = 0, unsent = 0, open = 0, lastAnswer = 0, scheduled = 0, sending = false, ticker = null;
let start = 0n;
const cpuStart = process.cpuUsage();
const nowMs = () => Number(process.hrtime.bigint() - start) / 1e6;
const intervalMs = rate > 0 ? 1000 / rate : 0;
const send = (conn, dueMs) => { conn.dueMs = dueMs; conn.busy = true; conn.socket.write(request); };
// Fixed rate: hand every due request to an idle connection, oldest first.
const dispatch = () => {
  if (!sending) return;
  const now = nowMs();
  while (idle.length > 0 && scheduled * intervalMs <= now && scheduled * intervalMs < endMs) send(idle.pop(), scheduled++ * intervalMs);
};
const finish = () => {
  if (ticker) clearInterval(ticker);
  unsent = rate > 0 ? Math.max(0, Math.ceil(endMs / intervalMs) - scheduled) : 0;
  for (const c of all) c.socket.end();
};
const begin = () => {
  start = process.hrtime.bigint();
  sending = true;
  if (rate > 0) { ticker = setInterval(dispatch, 1); dispatch(); } else for (const c of all) send(c, 0);
  setTimeout(() => {
    sending = false;
    // Answers to requests already sent are awaited (bounded), then every connection closes.
    const deadline = nowMs() + 2000;
    const wait = setInterval(() => { if (all.every((c) => !c.busy) || nowMs() > deadline) { clearInterval(wait); finish(); } }, 5);
  }, endMs);
};
const all = [];
for (let c = 0; c < connections; c++) {
  const conn = { socket: net.connect(port, '127.0.0.1'), busy: false, dueMs: 0, pending: '' };
  all.push(conn);
  conn.socket.setNoDelay(true);
  conn.socket.on('connect', () => {
    if (rate > 0) idle.push(conn);
    if (++open === connections) begin();
  });
  conn.socket.on('data', (d) => {
    conn.pending += d.toString('latin1');
    let end;
    while ((end = conn.pending.indexOf('\\r\\n\\r\\nok')) >= 0) {
      conn.pending = conn.pending.slice(end + 6);
      const now = nowMs();
      if (conn.dueMs >= warmupMs && measured < latencies.length) {
        latencies[measured++] = now - conn.dueMs;
        lastAnswer = now;
      }
      conn.busy = false;
      if (!sending) continue;
      if (rate > 0) { idle.push(conn); dispatch(); } else if (now < endMs) send(conn, now);
    }
  });
  conn.socket.on('error', () => { errors++; });
  conn.socket.on('close', () => {
    if (--open > 0) return;
    const sorted = latencies.subarray(0, measured).sort();
    const q = (p) => sorted[Math.min(measured - 1, Math.floor(p * measured))] || 0;
    const cpu = process.cpuUsage(cpuStart);
    process.stdout.write(JSON.stringify({ requests: measured, errors, unsent, elapsedMs: Math.max(durationMs, lastAnswer - warmupMs), p50Ms: q(0.5), p99Ms: q(0.99), cpuMs: (cpu.user + cpu.system) / 1000 }) + '\\n');
  });
}
`;

export interface LoadResult {
  requests: number;
  errors: number;
  /** fixed rate: requests due in the run that never found an idle connection before it ended */
  unsent: number;
  elapsedMs: number;
  p50Ms: number;
  p99Ms: number;
  /** the generator's own CPU time */
  cpuMs: number;
}
