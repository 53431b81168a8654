/**
 * Kernel test: every data syscall the capture hooks, on the running kernel. A Python probe (pid set as a
 * run-time filter before it starts) uses writev/readv and sendmsg/recvmsg on TCP over IPv6, sendto/recvfrom
 * on UDP over IPv6, writes log lines to stdout and stderr (past the per-second budget), and one payload
 * larger than the cap. Each must come out exactly once, with the right syscall, addresses and flags.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaptureRun, kernelSupport, mustRunKernelTests, PYTHON, startCapture, until } from '../testing/kernel-harness.js';
import type { DataEvent, LifecycleEvent, LogEvent } from './events.js';

const PROBE = `
import os, socket, sys, json
sys.stdin.readline()
srv = socket.socket(socket.AF_INET6); srv.bind(('::1', 0)); srv.listen(1)
cli = socket.create_connection(('::1', srv.getsockname()[1])); conn, _ = srv.accept()
os.writev(cli.fileno(), [b'part-one|', b'part-two|', b'part-three'])
a, b = bytearray(4), bytearray(100)
got = os.readv(conn.fileno(), [a, b])
cli.sendmsg([b'msg-', b'in-', b'three'])
data, _, _, _ = conn.recvmsg(100)
conn.sendall(b'x' * 3000)
big = b''
while len(big) < 3000: big += cli.recv(65536)
u1 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u1.bind(('::1', 0))
u2 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u2.sendto(b'datagram', u1.getsockname()); d, peer = u1.recvfrom(100)
os.write(1, (json.dumps({'tcp': srv.getsockname()[1], 'udp': u1.getsockname()[1], 'udpPeer': peer[1], 'readv': got, 'recvmsg': len(data)}) + '\\n').encode())
for i in range(250): os.write(2, b'log line %d\\n' % i)
`;

describe.runIf(mustRunKernelTests)('every hooked syscall, on the running kernel', () => {
  let run: CaptureRun;

  beforeAll(() => {
    expect(kernelSupport).toEqual({ ok: true });
    run = startCapture({ keepEvents: true, payloadCap: 2048 });
  });

  afterAll(() => run?.close());

  it('captures readv/writev, sendmsg/recvmsg, IPv6 UDP, truncation and rate-limited logs of one filtered pid', async () => {
    const child = spawn(PYTHON, ['-c', PROBE], { stdio: ['pipe', 'pipe', 'pipe'] });
    const pid = child.pid ?? -1;
    run.capture.setFilter({ pids: [pid] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.resume();
    const exited = once(child, 'exit');
    child.stdin.end('go\n');
    expect(await exited).toEqual([0, null]);
    const summary = JSON.parse(stdout) as { tcp: number; udp: number; udpPeer: number; readv: number; recvmsg: number };
    await run.settle();
    await until(() => run.events.some((e) => e.kind === 'log' && e.fd === 1), 'the summary line');

    // The filter let nothing else in.
    expect(new Set(run.events.map((e) => e.pid))).toEqual(new Set([pid]));
    const data = run.events.filter((e): e is DataEvent => e.kind === 'data');
    const tcp = data.filter((e) => e.transport === 'tcp');
    const pick = (syscall: string) => tcp.filter((e) => e.syscall === syscall).map((e) => [e.size, e.payload.toString(), e.truncated, e.family]);
    expect(pick('writev')).toEqual([[28, 'part-one|part-two|part-three', false, 6]]);
    expect(pick('readv')).toEqual([[summary.readv, 'part-one|part-two|part-three'.slice(0, summary.readv), false, 6]]);
    expect(pick('sendmsg')).toEqual([[12, 'msg-in-three', false, 6]]);
    expect(pick('recvmsg')).toEqual([[summary.recvmsg, 'msg-in-three'.slice(0, summary.recvmsg), false, 6]]);
    // 3000 bytes against a 2048-byte cap: the head, flagged as truncated.
    expect(pick('sendto').filter(([size]) => size === 3000)).toEqual([[3000, 'x'.repeat(2048), true, 6]]);

    const udp = data.filter((e) => e.transport === 'udp').map((e) => [e.syscall, e.localPort, e.remoteAddr, e.remotePort, e.payload.toString()]);
    expect(udp).toEqual([
      ['sendto', summary.udpPeer, '::1', summary.udp, 'datagram'],
      ['recvfrom', summary.udp, '::1', summary.udpPeer, 'datagram'],
    ]);

    const lifecycle = run.events.filter((e): e is LifecycleEvent => e.kind === 'connect' || e.kind === 'accept');
    expect(lifecycle.map((e) => [e.kind, e.family, e.transport, e.kind === 'connect' ? e.remotePort : e.localPort])).toEqual([
      ['connect', 6, 'tcp', summary.tcp],
      ['accept', 6, 'tcp', summary.tcp],
    ]);

    // One stdout line, then 250 stderr writes in well under a second: 200 writes pass the per-process
    // budget (the summary and 199 lines), the other 51 are counted.
    const logs = run.events.filter((e): e is LogEvent => e.kind === 'log');
    const stderr = logs.filter((e) => e.fd === 2);
    expect(stderr.map((e) => e.payload.toString())).toEqual(Array.from({ length: 199 }, (_, i) => `log line ${i}\n`));
    expect(run.capture.stats().logRateLimited).toBe(51);
    expect(logs.filter((e) => e.fd === 1).map((e) => e.payload.toString())).toEqual([stdout]);
  }, 60_000);
});
