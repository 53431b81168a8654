/**
 * Client programs for kernel tests. Each runs as its own process, makes an exact, known number of calls
 * and prints a JSON summary of what it saw (the ground truth the agent's counts are compared with).
 */

/** argv: port count. Sends `count` HTTP/1.1 requests in ONE write (pipelining) and reads all responses. */
export const PIPELINED_HTTP_CLIENT = `
const net = require('node:net');
const [port, count] = [Number(process.argv[1]), Number(process.argv[2])];
const socket = net.connect(port, '127.0.0.1', () => {
  let batch = '';
  for (let i = 0; i < count; i++) batch += 'GET /status/' + (i % 2 ? 404 : 200) + ' HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n';
  socket.write(batch);
});
let seen = '';
socket.on('data', (d) => {
  seen += d.toString('latin1');
  if ((seen.match(/HTTP\\/1\\.1 \\d{3}/g) || []).length === count) socket.end();
});
socket.on('close', () => process.stdout.write(JSON.stringify((seen.match(/HTTP\\/1\\.1 (\\d{3})/g) || []).map((s) => Number(s.slice(9)))) + '\\n'));
`;

/** argv: count delay_ms. HTTP server (any path → 200 after delay) and one keep-alive client measuring each call. */
export const TIMED_HTTP_PAIR = `
const http = require('node:http');
const [count, delayMs] = [Number(process.argv[1]), Number(process.argv[2])];
const srv = http.createServer((req, res) => setTimeout(() => res.end('ok'), delayMs));
srv.listen(0, '127.0.0.1', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: srv.address().port, path: '/t/' + i, agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
    });
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  agent.destroy();
  srv.close();
  process.stdout.write(JSON.stringify({ port: srv.address() ? srv.address().port : 0, latencies }) + '\\n');
});
`;

/**
 * argv: count. A DNS responder and a client on UDP in one Python process: half the queries go by
 * sendto/recvfrom, half by sendmsg/recvmsg; every third name answers NXDOMAIN.
 */
export const UDP_DNS_PAIR = `
import socket, struct, sys, threading, json
count = int(sys.argv[1])
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); srv.bind(('127.0.0.1', 0))
def serve():
    for _ in range(count):
        data, peer = srv.recvfrom(512)
        qid, = struct.unpack('>H', data[:2])
        rcode = 3 if qid % 3 == 0 else 0
        srv.sendto(struct.pack('>HHHHHH', qid, 0x8180 | rcode, 1, 0, 0, 0) + data[12:], peer)
t = threading.Thread(target=serve); t.start()
cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rcodes = []
for i in range(count):
    name = b''.join(bytes([len(p)]) + p for p in [b'host%d' % i, b'example', b'com']) + b'\\x00'
    query = struct.pack('>HHHHHH', i, 0x0100, 1, 0, 0, 0) + name + struct.pack('>HH', 1, 1)
    if i % 2:
        cli.sendmsg([query[:12], query[12:]], [], 0, srv.getsockname())
        data, _, _, _ = cli.recvmsg(512)
    else:
        cli.sendto(query, srv.getsockname())
        data, _ = cli.recvfrom(512)
    rcodes.append(struct.unpack('>H', data[2:4])[0] & 0xf)
t.join()
print(json.dumps({'port': srv.getsockname()[1], 'rcodes': rcodes}))
`;

/** argv: count. RESP over one connection to 127.0.0.1:6379, one command at a time; every 5th is unknown (an error). */
export const REDIS_CLIENT = `
const net = require('node:net');
const count = Number(process.argv[1]);
const commands = Array.from({ length: count }, (_, i) => i % 5 === 4 ? ['KSNOSUCHCMD'] : i % 2 ? ['PING'] : ['SET', 'ks:test:' + i, 'v' + i]);
const encode = (args) => '*' + args.length + '\\r\\n' + args.map((a) => '$' + Buffer.byteLength(a) + '\\r\\n' + a + '\\r\\n').join('');
const socket = net.connect(6379, '127.0.0.1');
const replies = [];
let buffer = '';
let next = 0;
const send = () => { if (next < count) socket.write(encode(commands[next++])); else socket.end(); };
socket.on('connect', send);
socket.on('data', (d) => {
  buffer += d.toString();
  let end;
  while ((end = buffer.indexOf('\\r\\n')) >= 0) { replies.push(buffer[0]); buffer = buffer.slice(end + 2); send(); }
});
socket.on('close', () => process.stdout.write(JSON.stringify({ replies, commands: commands.map((c) => c[0]) }) + '\\n'));
`;

/** argv: count pgModulePath. count simple queries over one connection to 127.0.0.1:5432/test; every 4th fails. */
export const PG_CLIENT = `
const pg = require(process.argv[2]);
const count = Number(process.argv[1]);
(async () => {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  const outcomes = [];
  for (let i = 0; i < count; i++) {
    try { await client.query(i % 4 === 3 ? 'SELECT ks_no_such_column' : 'SELECT ' + i); outcomes.push('ok'); }
    catch (e) { outcomes.push(e.code); }
  }
  await client.end();
  process.stdout.write(JSON.stringify(outcomes) + '\\n');
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** A raw HTTP server answering every connection's first bytes with 200; prints its port. (Its own process:
 * 10k connections on each side would pass this machine's 20,000 open-file hard limit in one process.) */
export const CONCURRENT_SERVER = `
const net = require('node:net');
const srv = net.createServer((s) => {
  s.on('error', () => {});
  s.once('data', () => s.write('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok'));
});
srv.listen(0, '127.0.0.1', 4096, () => process.stdout.write(srv.address().port + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

/** argv: port count. Opens \`count\` connections (≤ 512 handshakes in flight), one request each, all held open at the end. */
export const CONCURRENT_CLIENT = `
const net = require('node:net');
const [port, count] = [Number(process.argv[1]), Number(process.argv[2])];
const sockets = [];
let answered = 0;
let started = 0;
const startOne = () => {
  const s = net.connect(port, '127.0.0.1');
  sockets.push(s);
  s.on('connect', () => s.write('GET /c/' + sockets.length + ' HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'));
  s.once('data', () => {
    answered++;
    if (answered === count) finish();
    if (started < count) { started++; startOne(); }
  });
  s.on('error', (e) => { console.error(e); process.exit(1); });
};
const finish = () => {
  const open = sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
  for (const s of sockets) s.destroy();
  process.stdout.write(JSON.stringify({ open, answered }) + '\\n');
};
for (; started < Math.min(512, count); started++) startOne();
`;

/** argv: port count. Sequential connections, each closed before the next opens (so the fd number is reused). */
export const SEQUENTIAL_CONNECTIONS = `
import socket, sys, json
port, count = int(sys.argv[1]), int(sys.argv[2])
fds, statuses = [], []
for i in range(count):
    s = socket.create_connection(('127.0.0.1', port))
    fds.append(s.fileno())
    s.sendall(b'GET /status/%d HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' % (404 if i % 3 == 0 else 200))
    reply = b''
    while True:
        chunk = s.recv(65536)
        if not chunk: break
        reply += chunk
    statuses.append(int(reply.split(b' ')[1]))
    s.close()
print(json.dumps({'fds': fds, 'statuses': statuses}))
`;

/** argv: port sends size. A TCP pair in one process; the client sends \`sends\` blocks of \`size\` bytes as fast as it can. */
export const FLOOD = `
import socket, sys, threading, json
port, sends, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); srv.bind(('127.0.0.1', port)); srv.listen(1)
reads = [0]
def serve():
    conn, _ = srv.accept()
    while True:
        data = conn.recv(1 << 20)
        if not data: break
        reads[0] += 1
    conn.close()
t = threading.Thread(target=serve); t.start()
cli = socket.create_connection(('127.0.0.1', port))
block = b'f' * size
calls = 0
for _ in range(sends):
    cli.send(block); calls += 1
cli.close(); t.join(); srv.close()
print(json.dumps({'sendCalls': calls, 'recvCalls': reads[0]}))
`;

/** A server that reads a request and never answers; it closes when the client goes away. argv: none. */
export const SILENT_SERVER = `
import socket
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
while conn.recv(65536): pass
conn.close()
`;

/** argv: port. Sends one request and then hangs until killed. */
export const HANGING_CLIENT = `
const net = require('node:net');
const s = net.connect(Number(process.argv[1]), '127.0.0.1', () => s.write('GET /hang HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n', () => process.stdout.write('sent\\n')));
setInterval(() => {}, 1000);
`;
