// A Python child that moves data with send()/recv(), which reach the kernel
// as sendto(2)/recvfrom(2) — the calls Node's own sockets never make.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type ProbeReport } from './tcp-probe.js';

const script = String.raw`
import ctypes, json, socket, sys
config = json.loads(sys.argv[1])
ctypes.CDLL(None).prctl(15, config["title"].encode(), 0, 0, 0)  # PR_SET_NAME: our comm
family = socket.AF_INET6 if ":" in config["host"] else socket.AF_INET
server = socket.socket(family, socket.SOCK_STREAM)
server.bind((config["host"], 0))
server.listen(1)
client = socket.socket(family, socket.SOCK_STREAM)
client.connect(server.getsockname()[:2])
conn, _ = server.accept()
for message in (bytes.fromhex(h) for h in config["messages"]):
    client.send(message)
    received = b""
    while len(received) < len(message):
        received += conn.recv(65536)
report = {"pid": ctypes.CDLL(None).getpid(), "serverPort": server.getsockname()[1], "clientPort": client.getsockname()[1]}
client.close()
conn.close()
server.close()
print(json.dumps(report))
`;

export async function runSocketCallProbe(host: '127.0.0.1' | '::1', title: string, messages: Buffer[]): Promise<ProbeReport> {
  const config = { host, title, messages: messages.map((m) => m.toString('hex')) };
  const { stdout } = await promisify(execFile)('python3', ['-c', script, JSON.stringify(config)], { timeout: 30_000 });
  return JSON.parse(stdout) as ProbeReport;
}
