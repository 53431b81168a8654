// Child process for kernel-capture.test.ts: a TCP server and a client in one
// process. The client sends each message and waits for a fixed-size ack, so
// every message is exactly one write() and one read() on the wire.
// argv[2]: JSON ProbeConfig. Prints one JSON ProbeReport line, then exits.
import net from 'node:net';
import type { ProbeConfig, ProbeReport } from './tcp-probe.js';

const config = JSON.parse(process.argv[2] ?? '{}') as ProbeConfig;
const messages = config.messages.map((m) => Buffer.from(m, 'base64'));
const ack = (i: number): Buffer => Buffer.from(`ack ${String(i).padStart(4, '0')}`);
const ackLength = ack(0).length;
process.title = config.title;

const server = net.createServer((conn) => {
  let next = 0;
  let buffered = 0;
  conn.on('data', (chunk) => {
    buffered += chunk.length;
    let length = messages[next]?.length;
    while (length !== undefined && buffered >= length) {
      buffered -= length;
      conn.write(ack(next));
      next++;
      length = messages[next]?.length;
    }
  });
  conn.on('end', () => conn.end());
});

server.listen(0, config.host, () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  const client = net.connect(address.port, config.host);
  let acked = 0;
  let ackBytes = 0;
  let clientPort = 0; // localPort is gone once the socket closes
  const send = (i: number): void => {
    const message = messages[i];
    if (message) client.write(message);
    else client.end();
  };
  client.on('connect', () => {
    clientPort = client.localPort ?? 0;
    send(0);
  });
  client.on('data', (chunk) => {
    ackBytes += chunk.length;
    while (ackBytes >= (acked + 1) * ackLength) send(++acked);
  });
  client.on('close', () => {
    server.close(() => {
      const report: ProbeReport = { pid: process.pid, serverPort: address.port, clientPort };
      process.stdout.write(`${JSON.stringify(report)}\n`);
    });
  });
});
