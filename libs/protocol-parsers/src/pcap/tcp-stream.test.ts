import { describe, expect, it } from 'vitest';
import type { StreamChunk } from '../core/stream.js';
import type { SkipReason } from './types.js';
import { TcpDirectionStream } from './tcp-stream.js';

function harness() {
  const out: StreamChunk[] = [];
  const skipped: SkipReason[] = [];
  const stream = new TcpDirectionStream((c) => out.push(c), (r) => skipped.push(r));
  const text = (): string[] => out.map((c) => `${new TextDecoder().decode(c.data)}${c.size > c.data.length ? `<gap ${c.size - c.data.length}>` : ''}@${c.tsNs}`);
  const seg = (seq: number, s: string, ts: number, fin = false): void =>
    stream.segment(seq >>> 0, new TextEncoder().encode(s), s.length, BigInt(ts), fin);
  return { stream, out, skipped, text, seg };
}

describe('TCP reassembly by sequence number', () => {
  it('delivers in-order segments after the SYN as they come', () => {
    const h = harness();
    h.stream.syn(1000);
    h.seg(1001, 'GET ', 1);
    h.seg(1005, '/ HTTP/1.1', 2);
    expect(h.text()).toEqual(['GET @1', '/ HTTP/1.1@2']);
  });

  it('trims what a retransmission repeats and drops exact repeats', () => {
    const h = harness();
    h.stream.syn(0);
    h.seg(1, 'abcd', 1);
    h.seg(1, 'abcd', 2); // full retransmission
    h.seg(3, 'cdef', 3); // overlaps "cd"
    expect(h.text()).toEqual(['abcd@1', 'ef@3']);
    expect(h.skipped).toEqual(['tcp-retransmission']);
  });

  it('holds out-of-order segments until the hole fills', () => {
    const h = harness();
    h.stream.syn(99);
    h.seg(104, 'efgh', 1);
    h.seg(108, 'ijkl', 2);
    expect(h.text()).toEqual([]);
    h.seg(100, 'abcd', 3);
    expect(h.text()).toEqual(['abcd@3', 'efgh@1', 'ijkl@2']);
  });

  it('starts at the first sequence number seen when the SYN is missing', () => {
    const h = harness();
    h.seg(5000, 'xyz', 1);
    h.seg(4990, 'old', 2); // before the start: already gone
    h.seg(5003, '!', 3);
    expect(h.text()).toEqual(['xyz@1', '!@3']);
  });

  it('reports a hole the peer acknowledged as a gap, then delivers what follows', () => {
    const h = harness();
    h.stream.syn(0);
    h.seg(1, 'aaaa', 1);
    h.seg(15, 'tail', 2); // bytes 5..14 never captured
    h.stream.acknowledged(19, 3n);
    expect(h.text()).toEqual(['aaaa@1', '<gap 10>@2', 'tail@2']);
  });

  it('reports a hole with nothing after it when the peer acknowledges past it', () => {
    const h = harness();
    h.stream.syn(0);
    h.seg(1, 'ab', 1);
    h.stream.acknowledged(11, 7n);
    h.seg(11, 'cd', 8);
    expect(h.text()).toEqual(['ab@1', '<gap 8>@7', 'cd@8']);
  });

  it('does not take the FIN\'s sequence number for a lost byte', () => {
    const h = harness();
    h.stream.syn(0);
    h.seg(1, 'bye', 1, true);
    h.stream.acknowledged(5, 2n);
    expect(h.text()).toEqual(['bye@1']);
  });

  it('at close delivers what is held, holes included, and drops later data', () => {
    const h = harness();
    h.stream.syn(0);
    h.seg(1, 'a', 1);
    h.seg(5, 'e', 2);
    h.stream.close();
    h.seg(6, 'f', 3);
    expect(h.text()).toEqual(['a@1', '<gap 3>@2', 'e@2']);
    expect(h.skipped).toEqual(['tcp-after-close']);
  });

  it('follows sequence numbers across the 2^32 wrap', () => {
    const h = harness();
    h.stream.syn(0xfffffffd);
    h.seg(0xfffffffe, 'ab', 1);
    h.seg(0, 'cd', 2);
    h.seg(0xffffffff, 'bc', 3); // retransmission overlapping the wrap
    expect(h.text()).toEqual(['ab@1', 'cd@2']);
  });

  it('keeps a snap-length cut segment as a truncated chunk of its full size', () => {
    const h = harness();
    h.stream.syn(0);
    h.stream.segment(1, new TextEncoder().encode('head'), 100, 1n, false);
    h.seg(101, 'next', 2);
    expect(h.text()).toEqual(['head<gap 96>@1', 'next@2']);
  });

  it('gives up on a hole when the held bytes exceed the cap', () => {
    const h = harness();
    h.stream.syn(0);
    const big = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 5; i++) h.stream.segment(1 + 10 + i * big.length, big, big.length, BigInt(i), false);
    expect(h.out.map((c) => [c.data.length, c.size])).toEqual([[0, 10], [big.length, big.length], [big.length, big.length], [big.length, big.length], [big.length, big.length], [big.length, big.length]]);
  });
});
