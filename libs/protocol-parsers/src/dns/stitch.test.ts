import { describe, expect, it } from 'vitest';
import { chunk } from '../testing/index.js';
import { dnsModule } from './module.js';
import { parseDnsMessage } from './parse.js';

/** A message with one question and `answers` A records pointing back at it; `opt` adds an OPT with extended rcode bits. */
function message(id: number, name: string, opts: { qr?: boolean; rcode?: number; answers?: number; opt?: number; qtype?: number } = {}): Uint8Array {
  const labels = name === '.' ? [] : name.split('.');
  const qname = [...labels.flatMap((l) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]), 0];
  const answers = opts.answers ?? 0;
  const flags = (opts.qr === true ? 0x8180 : 0x0100) | (opts.rcode ?? 0);
  const out = [id >> 8, id & 0xff, flags >> 8, flags & 0xff, 0, 1, 0, answers, 0, 0, 0, opts.opt === undefined ? 0 : 1, ...qname, (opts.qtype ?? 1) >> 8, (opts.qtype ?? 1) & 0xff, 0, 1];
  for (let i = 0; i < answers; i++) out.push(0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, i);
  if (opts.opt !== undefined) out.push(0, 0, 41, 0x10, 0, opts.opt, 0, 0, 0, 0, 0);
  return Uint8Array.from(out);
}

function udp(datagrams: Uint8Array[]) {
  const s = dnsModule.createStitcher({ transport: 'udp' });
  datagrams.forEach((d, i) => s.push(i % 2 === 0 ? 'request' : 'response', chunk(d, BigInt(i + 1) * 1_000_000n)));
  return s.flush().map((tx) => dnsModule.toReplay(tx)).map((r) => [r.req['id'], r.req['qname'], r.req['qtype'], r.resp?.['rcode'] ?? null, r.resp?.['answers'] ?? null, r.req['from_response']]);
}

describe('DNS stitching', () => {
  it('pairs by id and name, whatever order the answers come in', () => {
    expect(udp([message(1, 'a.example'), message(2, 'b.example'), message(1, 'x.example', { qr: true }), message(2, 'b.example', { qr: true, answers: 2 }), message(1, 'a.example', { qr: true, rcode: 3 })]))
      .toEqual([
        [1, 'x.example', 'A', 'NOERROR', 0, true],
        [2, 'b.example', 'A', 'NOERROR', 2, false],
        [1, 'a.example', 'A', 'NXDOMAIN', 0, false],
      ]);
  });

  it('extends the rcode with the OPT record and names unknown types per RFC 3597', () => {
    expect(udp([message(7, 'example.com', { qtype: 65534 }), message(7, 'example.com', { qr: true, opt: 1, qtype: 65534 })]))
      .toEqual([[7, 'example.com', 'TYPE65534', 'BADVERS', 0, false]]);
  });

  it('hands out an unanswered query at the close', () => {
    const s = dnsModule.createStitcher({ transport: 'udp' });
    s.push('request', chunk(message(9, '.', { qtype: 6 }), 1n));
    const [tx] = s.flush();
    expect(tx === undefined ? null : dnsModule.toReplay(tx).req).toEqual({ id: 9, qname: '.', qtype: 'SOA', transport: 'udp', from_response: false });
    expect(s.stats.unansweredRequests).toBe(1);
  });

  it('reads several length-prefixed messages from one TCP read, and the head of a truncated one', () => {
    const frame = (m: Uint8Array) => Uint8Array.of(m.length >> 8, m.length & 0xff, ...m);
    const big = frame(message(3, 'big.example', { qr: true, answers: 40 }));
    const s = dnsModule.createStitcher({ transport: 'tcp' });
    s.push('request', chunk(Uint8Array.of(...frame(message(3, 'big.example')), ...frame(message(4, 'c.example'))), 1n));
    s.push('response', chunk(big, 2n, 100));
    s.push('response', chunk(frame(message(4, 'c.example', { qr: true, answers: 1 })), 3n));
    expect(s.flush().map((tx) => dnsModule.toReplay(tx).resp)).toEqual([
      { rcode: 'NOERROR', answers: 40, truncated: false }, { rcode: 'NOERROR', answers: 1, truncated: false },
    ]);
    expect([s.stats.truncatedGaps, s.stats.desyncs]).toEqual([1, 0]);
  });
});

describe('DNS names', () => {
  it('stops at compression pointer loops and over-long names', () => {
    const loop = Uint8Array.of(0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1);
    const m = parseDnsMessage(loop, 0, loop.length);
    expect(typeof m === 'string' ? m : [m.qname, m.qnameError]).toEqual([null, 'name-pointer-loop']);
    const long = Uint8Array.of(0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...Array.from({ length: 5 }, () => [63, ...new Array<number>(63).fill(0x61)]).flat(), 0, 0, 1, 0, 1);
    const n = parseDnsMessage(long, 0, long.length);
    expect(typeof n === 'string' ? n : n.qnameError).toBe('name-too-long');
  });

  it('follows forward pointers and escapes unprintable bytes', () => {
    const fwd = Uint8Array.of(0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 18, 0, 1, 0, 1, 3, 0x61, 0x2e, 0x00, 0);
    const m = parseDnsMessage(fwd, 0, fwd.length);
    expect(typeof m === 'string' ? m : m.qname).toBe('a\\.\\000');
  });
});

describe('DNS inference', () => {
  it('trusts a whole query more than a header, and a matching TCP length most', () => {
    const q = message(1, 'example.com');
    expect(dnsModule.infer(q, 'udp')).toEqual({ kind: 'request', confidence: 0.7 });
    expect(dnsModule.infer(Uint8Array.of(q.length >> 8, q.length & 0xff, ...q), 'tcp')).toEqual({ kind: 'request', confidence: 0.85 });
    expect(dnsModule.infer(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), 'udp')).toBeNull();
  });
});
