import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chunk, splitAtEveryBoundary } from '../testing/index.js';
import { qtypeName, rcodeName } from './mnemonics.js';
import { dnsModule } from './module.js';
import { parseDnsMessage } from './parse.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const vectors = path.resolve(repoRoot, '../shared/corpora/dns/vectors');
const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

interface DigSection { id: number; status: string; counts: number[]; qname: string; qtype: string }

/** dnslib's dig-style dumps: `;; QUERY:`/`;; RESPONSE:` hex, then the header, counts and question lines. */
function readDnslib(text: string): Array<{ wire: Uint8Array; expect: DigSection }> {
  const out: Array<{ wire: Uint8Array; expect: DigSection }> = [];
  for (const part of text.split(/^;; (?:QUERY|RESPONSE): /m).slice(1)) {
    const header = /status: (\w+), id: (\d+)/.exec(part);
    const counts = /QUERY: (\d+), ANSWER: (\d+), AUTHORITY: (\d+), ADDITIONAL: (\d+)/.exec(part);
    const question = /;; QUESTION SECTION:\n;(\S+)\s+\w+\s+(\S+)/.exec(part);
    if (header === null || counts === null || question === null) continue;
    out.push({
      wire: hex(part.slice(0, part.indexOf('\n')).trim()),
      expect: {
        id: Number(header[2]), status: header[1] ?? '', counts: counts.slice(1).map(Number),
        qname: question[1] === '.' ? '.' : (question[1] ?? '').replace(/\.$/, ''), qtype: question[2] ?? '',
      },
    });
  }
  return out;
}

describe('dnslib vectors', () => {
  const dir = path.join(vectors, 'dnslib');
  const files = readdirSync(dir).filter((f) => !f.includes('.py') && f !== 'LICENSE' && f !== 'dig');
  const messages = files.flatMap((f) => readDnslib(readFileSync(path.join(dir, f), 'utf8')).map((m) => ({ file: f, ...m })));

  it('reads a query and a response from every dump', () => {
    // Eight of the 132 messages are printed without a question section, so they carry no expectation here.
    expect([files.length, messages.length]).toEqual([66, 124]);
  });

  it('decodes id, status, counts and question as dig printed them', () => {
    for (const { file, wire, expect: want } of messages) {
      const m = parseDnsMessage(wire, 0, wire.length);
      if (typeof m === 'string') throw new Error(`${file}: ${m}`);
      expect([file, m.id, rcodeName(m.rcode), [m.questions, m.answers, m.authorities, m.additionals], m.qname, qtypeName(m.qtype ?? -1), m.complete])
        .toEqual([file, want.id, want.status, want.counts, want.qname, want.qtype, true]);
    }
  });

  it('pairs each query with its response over TCP however the stream is split', () => {
    for (const { file, wire } of messages.filter((_, i) => i % 8 === 0)) {
      const framed = Uint8Array.of(wire.length >> 8, wire.length & 0xff, ...wire);
      for (const [a, b] of splitAtEveryBoundary(framed)) {
        const s = dnsModule.createStitcher({ transport: 'tcp' });
        s.push('request', chunk(a, 1n));
        s.push('request', chunk(b, 2n));
        expect([file, s.flush().length, s.stats.desyncs]).toEqual([file, 1, 0]);
      }
    }
  });
});

describe('native-dns-packet vectors', () => {
  const dir = path.join(vectors, 'native-dns-packet');
  const stems = readdirSync(dir).filter((f) => f.endsWith('.bin')).map((f) => f.slice(0, -4));

  it('has the twelve captured responses', () => {
    expect(stems.length).toBe(12);
  });

  for (const stem of stems) {
    it(stem, () => {
      const wire = new Uint8Array(readFileSync(path.join(dir, `${stem}.bin`)));
      const js = readFileSync(path.join(dir, `${stem}.js`), 'utf8');
      const q = /question:\s*\[\s*\{\s*name:\s*'([^']*)',\s*type:\s*(\d+)/.exec(js);
      const m = parseDnsMessage(wire, 0, wire.length);
      if (typeof m === 'string') throw new Error(`${stem}: ${m}`);
      expect([m.id, m.rcode, m.qname, m.qtype, m.complete]).toEqual([
        Number(/id: (\d+)/.exec(js)?.[1]), Number(/rcode: (\d+)/.exec(js)?.[1]), q?.[1], Number(q?.[2]), true,
      ]);
    });
  }
});
