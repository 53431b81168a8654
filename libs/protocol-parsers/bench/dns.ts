import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';
import { readCapture } from '../src/pcap/capture.js';
import { createStitcher } from '../src/stitch.js';
import { measure, type SqlBenchFigure } from './sql-streams.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every UDP DNS datagram of the corpus captures, grouped by conversation. */
function corpusDatagrams(): Buffer[][] {
  const dir = path.resolve(repoRoot, '../shared/corpora/dns/pcaps');
  const out: Buffer[][] = [];
  for (const name of readdirSync(dir)) {
    for (const c of readCapture(new Uint8Array(readFileSync(path.join(dir, name)))).conversations) {
      if (c.transport !== 'udp') continue;
      const datagrams = c.chunks.filter((k) => k.data.length >= 12).map((k) => Buffer.from(k.data.buffer, k.data.byteOffset, k.data.length));
      if (datagrams.length > 0) out.push(datagrams);
    }
  }
  if (out.length === 0) throw new Error('bench: no DNS datagrams in the corpus; is ../shared/corpora present?');
  return out;
}

/**
 * DNS throughput on the corpus datagrams: ours (the stitcher: header, question, OPT rcode, pairing)
 * against dns-packet's full decode of the same messages (malformed ones throw there and are caught).
 */
export async function* dnsFigures(): AsyncIterable<SqlBenchFigure> {
  const conversations = corpusDatagrams();
  const bytes = conversations.reduce((n, ds) => n + ds.reduce((m, d) => m + d.length, 0), 0);
  const ours = measure(() => {
    for (const datagrams of conversations) {
      const s = createStitcher('dns', { transport: 'udp' });
      let ts = 0n;
      for (const d of datagrams) s.push('request', { data: d, size: d.length, tsNs: ++ts });
      s.flush();
    }
    return bytes;
  });
  let decoded = 0;
  const theirs = measure(() => {
    for (const datagrams of conversations) {
      for (const d of datagrams) {
        try {
          if (dnsPacket.decode(d).id !== undefined) decoded++;
        } catch {
          // corrupt messages (the corpus has several) are part of the stream for both parsers
        }
      }
    }
    return bytes;
  });
  if (decoded === 0) throw new Error('bench: dns-packet decoded no corpus message; the comparison would be meaningless');
  yield { bench: 'parsers', name: 'dns_mb_per_s', value: round(ours), unit: 'MB/s', goal: null, better: 'higher' };
  yield { bench: 'parsers', name: 'dns_vs_dns_packet', value: round(ours / theirs), unit: 'ratio', goal: 1, better: 'higher' };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
