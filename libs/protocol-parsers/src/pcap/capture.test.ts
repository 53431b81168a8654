import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusRoot } from '../corpus/paths.js';
import { wrapIp, writeClassicPcap, type WrittenFrame } from '../testing/index.js';
import { readCapture } from './capture.js';
import { openCapture } from './container.js';
import type { CaptureReadResult } from './types.js';

const root = corpusRoot();
const read = (rel: string): CaptureReadResult => readCapture(readFileSync(join(root, rel)));

/** Conversations as comparable text: endpoints, rule and every chunk. */
function summary(r: CaptureReadResult): string[] {
  return r.conversations.map((c) => [
    `${c.transport} ${c.client.ip} ${c.client.port} > ${c.server.ip} ${c.server.port} ${c.clientRule} ${c.closed ?? '-'}`,
    ...c.chunks.map((k) => `${k.direction} ${k.tsNs} ${k.size} ${Buffer.from(k.data).toString('hex')}`),
  ].join('\n'));
}

/** tshark's conversation count per capture, from the "N L4 conv." column of each corpus README. */
function tsharkConversationCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const folder of readdirSync(root)) {
    let text: string;
    try {
      text = readFileSync(join(root, folder, 'README.md'), 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/^\| `([^`]+)` \|[^\n]*?\| (\d+) L4 conv\./gm)) counts.set(`${folder}/pcaps/${m[1] ?? ''}`, Number(m[2]));
  }
  return counts;
}

describe('readCapture on the corpus', () => {
  it('finds as many conversations carrying data as tshark counts, in all 227 captures', () => {
    const counts = tsharkConversationCounts();
    const ours = new Map<string, number>();
    for (const rel of counts.keys()) ours.set(rel, read(rel).conversations.filter((c) => c.chunks.length > 0).length);
    expect(counts.size).toBe(227);
    expect(ours).toEqual(counts);
  });

  it('reads every link type the corpus uses', () => {
    const cases = [
      ['http1/pcaps/zeek_http_get.pcap', 1, 'tcp 141.142.228.5 59856 > 192.150.187.43 80 syn fin', '474554202f646f776e6c6f61642f4348'],
      ['http1/pcaps/suricata_http-ipv6.pcap', 0, 'tcp ::1 55717 > ::1 8000 syn fin', '474554202f20485454502f312e310d0a'],
      ['dns/pcaps/zeek_dns-inverse-query.pcap', 10, 'tcp 212.180.42.100 25000 > 131.243.64.3 53 syn fin', '001b'],
      ['dns/pcaps/suricata_dns_dns-corrupt-additionals.pcap', 101, 'udp 172.30.2.70 36441 > 172.23.0.22 53 port -', 'eb5601200001000000000001045f7369'],
      ['redis/pcaps/tcpdump_resp_1_benchmark.pcap', 113, 'tcp 127.0.0.1 35901 > 127.0.0.1 6379 syn fin', '50494e470d0a'],
      ['http1/pcaps/zeek_http_261_variant-01-chunk_2pow64_overflow.pcap', 228, 'tcp 192.168.1.100 40001 > 192.168.1.200 80 syn fin', '504f5354202f20485454502f312e310d'],
    ] as const;
    for (const [rel, linkType, first, head] of cases) {
      const r = read(rel);
      expect(Object.keys(r.linkTypes), rel).toEqual([String(linkType)]);
      const conv = r.conversations.find((c) => c.chunks.length > 0);
      expect(summary(r)[conv?.id ?? -1]?.split('\n')[0], rel).toBe(first);
      expect(Buffer.from(conv?.chunks[0]?.data ?? new Uint8Array()).toString('hex').slice(0, 32), rel).toBe(head);
    }
  });

  it('takes the higher port for the client when the handshake is missing', () => {
    const r = read('http1/pcaps/zeek_http_get_nosyn.pcap');
    expect(summary(r).map((s) => s.split('\n')[0])).toEqual(['tcp 141.142.228.5 59856 > 192.150.187.43 80 port fin']);
    expect(r.conversations[0]?.chunks.map((c) => `${c.direction} ${c.size}`)).toEqual([
      'request 136', 'response 1448', 'response 1448', 'response 1448', 'response 663',
    ]);
  });

  it('reports the body segment missing from suricata http-gap-simple as a 14-byte gap, in its place', () => {
    const r = read('http1/pcaps/suricata_http-gap-simple.pcap');
    const chunks = r.conversations[0]?.chunks ?? [];
    const gaps = chunks.map((c, i) => [i, c.direction, c.data.length, c.size]).filter(([, , len, size]) => len !== size);
    // The test's README: one gap in the body of the second response (Content-Length 70, sent in 14-byte segments).
    expect(gaps).toEqual([[6, 'response', 0, 14]]);
    expect(new TextDecoder().decode(chunks[7]?.data)).toBe('AAAAAAAAAAAAAA');
  });

  it('skips IP fragments after the first and counts them', () => {
    expect(read('dns/pcaps/zeek_dns-edns-ecs.pcap').skipped).toEqual({ 'ip-fragment': 4 });
    const v6 = read('dns/pcaps/zeek_ipv6-fragmented-dns.pcap');
    expect(v6.skipped).toEqual({ 'ip-fragment': 3 });
    // Frame 6 is the first fragment: UDP length 3238 (3230 payload bytes), 1424 of them in this fragment.
    expect(v6.conversations.flatMap((c) => c.chunks).filter((c) => c.size > c.data.length).map((c) => [c.data.length, c.size])).toEqual([[1424, 3230]]);
  });

  it('splits a reused 4-tuple at the new SYN and counts retransmissions', () => {
    expect(read('mysql/pcaps/zeek_mysql_mysql8-navicat-login-failed.pcap').skipped).toEqual({ 'tcp-retransmission': 3 });
  });
});

describe('link types the corpus lacks: the same packets re-wrapped', () => {
  const rewrap = (rel: string, ipOffset: number, link: Parameters<typeof wrapIp>[1]): CaptureReadResult => {
    const frames: WrittenFrame[] = [...openCapture(readFileSync(join(root, rel))).frames].map((f) => {
      const w = wrapIp(f.data.subarray(ipOffset), link);
      return { linkType: w.linkType, tsNs: f.tsNs, data: w.data, originalLength: w.data.length };
    });
    return readCapture(writeClassicPcap(frames, { littleEndian: true, nanos: false }));
  };
  const v4 = summary(read('http1/pcaps/zeek_http_get.pcap'));
  const v6 = summary(read('http1/pcaps/suricata_http-ipv6.pcap'));

  it.each(['ethernet', 'vlan', 'qinq', 'sll', 'sll2', 'null-le', 'null-be', 'loop', 'raw', 'ipv4'] as const)('IPv4 over %s', (link) => {
    expect(summary(rewrap('http1/pcaps/zeek_http_get.pcap', 14, link))).toEqual(v4);
  });

  it.each(['ethernet', 'vlan', 'sll', 'sll2', 'null-le', 'null-be', 'loop', 'raw', 'ipv6'] as const)('IPv6 over %s', (link) => {
    expect(summary(rewrap('http1/pcaps/suricata_http-ipv6.pcap', 4, link))).toEqual(v6);
  });
});
