/**
 * Kernel test: network truth. A client and a server in two network namespaces joined by a veth; a tc/BPF
 * program drops ~10 % of the packets arriving at the server, so the client really retransmits. The
 * retransmits the agent reports for that connection must equal the kernel's own TcpRetransSegs delta
 * (nstat) in the client's namespace; refused and black-holed connects count as failures; and the network
 * stats join the HTTP transaction of the same connection by socket.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkMonitor, type TcpConnDelta } from './capture/index.js';
import { type CaptureRun, kernelSupport, mustRunKernelTests, PYTHON, runChild, startCapture, until } from './testing/kernel-harness.js';
import { NetnsPair } from './testing/netns.js';

const BODY_BYTES = 1_500_000;

const SERVER = `
import socket, sys
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[1], 8080)); srv.listen(8)
print('ready', flush=True)
conn, _ = srv.accept()
data = b''
while b'\\r\\n\\r\\n' not in data: data += conn.recv(65536)
head, body = data.split(b'\\r\\n\\r\\n', 1)
length = int([l for l in head.split(b'\\r\\n') if l.lower().startswith(b'content-length')][0].split(b':')[1])
while len(body) < length:
    chunk = conn.recv(65536)
    if not chunk: break
    body += chunk
conn.sendall(b'HTTP/1.1 201 Created\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\nok')
conn.close(); srv.close()
`;

const CLIENT = `
import socket, sys, json
host, size = sys.argv[1], int(sys.argv[2])
s = socket.create_connection((host, 8080))
s.sendall(b'POST /upload HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: %d\\r\\n\\r\\n' % size + b'k' * size)
reply = b''
while True:
    chunk = s.recv(65536)
    if not chunk: break
    reply += chunk
s.close()
outcomes = []
for target, timeout in [((host, 9), 5), ((sys.argv[3], 80), 1.0)]:
    c = socket.socket(); c.settimeout(timeout)
    try: c.connect(target); outcomes.append('connected')
    except ConnectionRefusedError: outcomes.append('refused')
    except socket.timeout: outcomes.append('timeout')
    c.close()
print(json.dumps({'status': int(reply.split(b' ')[1]), 'outcomes': outcomes}))
`;

describe.runIf(mustRunKernelTests)('network quality on the running kernel', () => {
  const pair = new NetnsPair(String(process.pid % 100_000), 1 + (process.pid % 200));
  let run: CaptureRun;
  let monitor: NetworkMonitor;
  let server: ChildProcess | undefined;

  beforeAll(() => {
    expect(kernelSupport).toEqual({ ok: true });
    pair.create();
    pair.dropOnServerIngress();
    run = startCapture();
    monitor = NetworkMonitor.open();
  });

  afterAll(() => {
    server?.kill('SIGKILL');
    run?.close();
    monitor?.close();
    pair.destroy();
  });

  it('reports exactly the retransmits the kernel counted, failed connects, and joins the HTTP call by socket', async () => {
    server = spawn('ip', ['netns', 'exec', pair.server, PYTHON, '-c', SERVER, pair.serverAddr], { stdio: ['ignore', 'pipe', 'inherit'] });
    const serverExit = once(server, 'exit');
    await once(server.stdout as NodeJS.ReadableStream, 'data');
    monitor.poll(); // baseline: everything before this is not ours
    const before = pair.retransSegs(pair.client);
    const client = await runChild(PYTHON, ['-c', CLIENT, pair.serverAddr, String(BODY_BYTES), pair.silentAddr], { netns: pair.client });
    expect(JSON.parse(client.stdout)).toEqual({ status: 201, outcomes: ['refused', 'timeout'] });
    await serverExit;
    const kernelRetransmits = pair.retransSegs(pair.client) - before;
    // The setup must really lose packets, or equality would prove nothing.
    expect(kernelRetransmits).toBeGreaterThan(0);

    await run.settle();
    // Closed connections arrive through a ring drained every 20 ms: poll until all three are in.
    const deltas: TcpConnDelta[] = [];
    const ours = () => deltas.filter((d) => d.role === 'client' && d.local.addr === pair.clientAddr && d.closed === 1);
    await until(() => {
      deltas.push(...monitor.poll().connections);
      return ours().length >= 3;
    }, 'three closed client connections');
    const uploadId = ours().find((d) => d.remote.port === 8080)?.connId;
    // Every interval's delta of that connection (it may have been polled while open, too).
    const upload = deltas.filter((d) => d.connId === uploadId && d.remote.port === 8080);
    const sum = (pick: (d: TcpConnDelta) => number) => upload.reduce((n, d) => n + pick(d), 0);
    expect([sum((d) => d.opened), sum((d) => d.closed), sum((d) => d.failed)]).toEqual([1, 1, 0]);
    // nstat counts every socket of the namespace: the upload, and the failed connects' SYN retransmits.
    const clientNetns = upload[0]?.netns;
    const inClientNetns = deltas.filter((d) => d.netns === clientNetns);
    expect(inClientNetns.reduce((n, d) => n + d.retransmits, 0)).toBe(kernelRetransmits);
    expect(sum((d) => d.retransmits)).toBeGreaterThan(0);
    // tcp_sock.bytes_sent counts retransmitted bytes too; the head and the body went at least once.
    expect(sum((d) => d.bytesSent)).toBeGreaterThanOrEqual(BODY_BYTES);

    const failures = ours().filter((d) => d.failed === 1).map((d) => [d.remote.addr, d.remote.port, d.refused]);
    expect(failures.sort()).toEqual([
      [pair.serverAddr, 9, 1],
      [pair.silentAddr, 80, 0],
    ]);

    // The same socket carried the HTTP call the L7 capture parsed.
    const calls = run.transactions.filter((t) => t.pid === client.pid && t.side === 'client');
    expect(calls.map((t) => [t.protocol, t.connId, t.remote.addr, t.remote.port])).toEqual([['http1', uploadId, pair.serverAddr, 8080]]);
  }, 120_000);
});
