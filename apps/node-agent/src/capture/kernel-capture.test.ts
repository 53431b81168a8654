// End to end on the running kernel: a child process talks TCP to itself and
// the capture must see exactly the bytes it sent. Needs root, BTF, tracefs and
// `npx nx run bpf:build`; in CI these tests fail instead of skipping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaptureEvent, type CloseEvent, type DataEvent } from './events.js';
import { checkKernelSupport, KernelCapture } from './kernel-capture.js';
import { runSocketCallProbe } from './testing/socket-call-probe.js';
import { runTcpProbe, type ProbeReport } from './testing/tcp-probe.js';

const support = checkKernelSupport();
const mustRun = support.ok || process.env['CI'] === 'true';
if (!mustRun && !support.ok) console.warn(`kernel capture tests skipped, missing: ${support.missing.join('; ')}`);

const N = 20;
const title = 'ks-l7-probe';

function messagesFor(run: string): Buffer[] {
  return Array.from({ length: N }, (_, i) => Buffer.from(`KSPROBE ${run} message ${String(i).padStart(2, '0')} ${'x'.repeat(i)}`));
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 20_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One probe's traffic, split by socket side. */
function sides(events: readonly CaptureEvent[], probe: ProbeReport) {
  const data = events.filter((e): e is DataEvent => e.kind === 'data' && e.pid === probe.pid);
  const client = data.filter((e) => e.localPort === probe.clientPort && e.remotePort === probe.serverPort);
  const server = data.filter((e) => e.localPort === probe.serverPort && e.remotePort === probe.clientPort);
  const closes = events.filter((e): e is CloseEvent => e.kind === 'close' && e.pid === probe.pid);
  return {
    clientEgress: client.filter((e) => e.direction === 'egress'),
    clientIngress: client.filter((e) => e.direction === 'ingress'),
    serverEgress: server.filter((e) => e.direction === 'egress'),
    serverIngress: server.filter((e) => e.direction === 'ingress'),
    closesOf: (side: readonly DataEvent[]) => closes.filter((c) => c.connId === side[0]?.connId),
  };
}

describe.runIf(mustRun)('KernelCapture on the running kernel', () => {
  const events: CaptureEvent[] = [];
  const smallCapEvents: CaptureEvent[] = [];
  let capture: KernelCapture | undefined;
  let smallCap: KernelCapture | undefined;

  beforeAll(() => {
    expect(support).toEqual({ ok: true });
    capture = KernelCapture.open({});
    capture.start((batch) => events.push(...batch));
    smallCap = KernelCapture.open({ payloadCap: 512 });
    smallCap.start((batch) => smallCapEvents.push(...batch));
  });

  afterAll(() => {
    capture?.close();
    smallCap?.close();
  });

  /** Waits until both of the probe's connections reported their close: all their data came before. */
  async function settle(probe: ProbeReport, from: readonly CaptureEvent[]): Promise<ReturnType<typeof sides>> {
    await until(() => {
      const s = sides(from, probe);
      return s.closesOf(s.clientEgress).length > 0 && s.closesOf(s.serverIngress).length > 0;
    }, `close events of probe pid ${probe.pid}`);
    return sides(from, probe);
  }

  it.each([
    ['IPv4', '127.0.0.1', 4],
    ['IPv6', '::1', 6],
  ] as const)('captures every message of a %s connection exactly once', async (_name, host, family) => {
    const messages = messagesFor(`${family}-${process.pid}`);
    const probe = await runTcpProbe(host, title, messages);
    const s = await settle(probe, events);

    const expectedSide = (localPort: number, remotePort: number, direction: 'egress' | 'ingress', syscall: 'write' | 'read') => ({
      kind: 'data',
      pid: probe.pid,
      comm: title,
      family,
      localAddr: host,
      localPort,
      remoteAddr: host,
      remotePort,
      direction,
      syscall,
    });
    expect(s.clientEgress).toHaveLength(N);
    expect(s.clientEgress.map((e) => e.payload)).toEqual(messages);
    expect(s.clientEgress.map((e) => e.size)).toEqual(messages.map((m) => m.length));
    for (const e of s.clientEgress) expect(e).toMatchObject(expectedSide(probe.clientPort, probe.serverPort, 'egress', 'write'));

    expect(s.serverIngress.map((e) => e.payload)).toEqual(messages);
    expect(s.serverIngress.map((e) => e.size)).toEqual(messages.map((m) => m.length));
    for (const e of s.serverIngress) expect(e).toMatchObject(expectedSide(probe.serverPort, probe.clientPort, 'ingress', 'read'));

    const acks = Array.from({ length: N }, (_, i) => `ack ${String(i).padStart(4, '0')}`);
    expect(s.serverEgress.map((e) => e.payload.toString())).toEqual(acks);
    expect(s.clientIngress.map((e) => e.payload.toString())).toEqual(acks);

    // One socket per side, and each is closed exactly once on the fd it used.
    expect(new Set(s.clientEgress.map((e) => e.connId)).size).toBe(1);
    expect(new Set(s.serverIngress.map((e) => e.connId)).size).toBe(1);
    expect(s.clientEgress[0]?.connId).not.toBe(s.serverIngress[0]?.connId);
    expect(s.closesOf(s.clientEgress).map((c) => c.fd)).toEqual([s.clientEgress[0]?.fd]);
    expect(s.closesOf(s.serverIngress).map((c) => c.fd)).toEqual([s.serverIngress[0]?.fd]);
  });

  it('captures sendto and recvfrom', async () => {
    const messages = messagesFor(`sendto-${process.pid}`);
    const probe = await runSocketCallProbe('127.0.0.1', 'ks-py-probe', messages);
    const s = await settle(probe, events);
    expect(s.clientEgress.map((e) => [e.syscall, e.comm, e.size, e.payload])).toEqual(
      messages.map((m) => ['sendto', 'ks-py-probe', m.length, m]),
    );
    expect(s.serverIngress.map((e) => [e.syscall, e.comm, e.size, e.payload])).toEqual(
      messages.map((m) => ['recvfrom', 'ks-py-probe', m.length, m]),
    );
    expect([s.serverEgress, s.clientIngress]).toEqual([[], []]);
  });

  it('reports the full size but only payloadCap bytes of a large write', async () => {
    const big = Buffer.from(Array.from({ length: 3000 }, (_, i) => 33 + (i % 90)));
    const probe = await runTcpProbe('127.0.0.1', title, [big]);
    const capped = await settle(probe, smallCapEvents);
    expect(capped.clientEgress.map((e) => [e.size, e.payload])).toEqual([[3000, big.subarray(0, 512)]]);
    expect(capped.serverIngress.reduce((sum, e) => sum + e.size, 0)).toBe(3000);
    expect(capped.serverIngress[0]?.payload).toEqual(big.subarray(0, Math.min(512, capped.serverIngress[0]?.size ?? 0)));

    // The default capture saw the same write with the whole 3000 bytes (cap 4096).
    const full = await settle(probe, events);
    expect(full.clientEgress.map((e) => [e.size, e.payload])).toEqual([[3000, big]]);
  });

  it('never captures its own process and counts no loss', () => {
    expect(events.filter((e) => e.pid === process.pid)).toEqual([]);
    expect(capture?.stats()).toMatchObject({ ringDrops: 0, decodeErrors: 0, droppedBatches: 0, events: events.length });
  });
});
