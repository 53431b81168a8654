/**
 * Kernel test: KernelCapture.skipSocket (ks_skip_socks) on the running kernel. A Python probe talks TCP to
 * itself in two rounds; between them the server's socket is skipped. Its data must stop exactly there while
 * the client's continues, and its close must still come (the agent flushes the conversation on it).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaptureRun, kernelSupport, mustRunKernelTests, PYTHON, startCapture, until } from '../testing/kernel-harness.js';
import type { CloseEvent, DataEvent } from './events.js';

/** Round one, then the ports on stdout and a wait for stdin, then round two and close. */
const PROBE = `
import json, socket, sys
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)
cli = socket.create_connection(srv.getsockname()); conn, _ = srv.accept()
def round(tag):
    for i in range(5):
        cli.send(b'%s request %d' % (tag, i)); conn.recv(100)
        conn.send(b'%s answer %d' % (tag, i)); cli.recv(100)
round(b'one')
print(json.dumps({'serverPort': srv.getsockname()[1], 'clientPort': cli.getsockname()[1]}), flush=True)
sys.stdin.readline()
round(b'two')
cli.close(); conn.close(); srv.close()
`;

describe.runIf(mustRunKernelTests)('skipping a socket in the kernel', () => {
  let run: CaptureRun;

  beforeAll(() => {
    expect(kernelSupport).toEqual({ ok: true });
    run = startCapture({ keepEvents: true });
  });

  afterAll(() => run?.close());

  it('stops copying the skipped socket exactly from the next call, and still reports its close', async () => {
    const child = spawn(PYTHON, ['-c', PROBE], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    const pid = child.pid ?? -1;
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const ports = JSON.parse(line.toString()) as { serverPort: number; clientPort: number };
    const data = () => run.events.filter((e): e is DataEvent => e.kind === 'data' && e.pid === pid);
    const texts = (local: number, direction: 'egress' | 'ingress') =>
      data()
        .filter((e) => e.localPort === local && e.direction === direction)
        .map((e) => e.payload.toString());
    await until(() => texts(ports.serverPort, 'egress').length === 5, 'round one of the server side');
    const serverConn = data().find((e) => e.localPort === ports.serverPort)?.connId ?? 0n;
    const skippedBefore = run.capture.stats().skipped;

    run.capture.skipSocket(serverConn);
    child.stdin.end('go\n');
    expect(await exited).toEqual([0, null]);
    await until(() => run.events.some((e) => e.kind === 'close' && e.pid === pid && e.connId === serverConn), 'the server socket close');
    await run.settle();

    const round = (tag: string, what: string) => Array.from({ length: 5 }, (_, i) => `${tag} ${what} ${i}`);
    expect(texts(ports.clientPort, 'egress')).toEqual([...round('one', 'request'), ...round('two', 'request')]);
    expect(texts(ports.clientPort, 'ingress')).toEqual([...round('one', 'answer'), ...round('two', 'answer')]);
    expect(texts(ports.serverPort, 'ingress')).toEqual(round('one', 'request'));
    expect(texts(ports.serverPort, 'egress')).toEqual(round('one', 'answer'));
    const closes = run.events.filter((e): e is CloseEvent => e.kind === 'close' && e.pid === pid);
    expect(closes.filter((c) => c.connId === serverConn)).toHaveLength(1);
    // Round two's 5 reads and 5 writes on the server socket; its EOF read came after close had ended the skip.
    expect(run.capture.stats().skipped - skippedBefore).toBe(10);
    expect(run.capture.stats().skipErrors).toBe(0);
  }, 60_000);
});
