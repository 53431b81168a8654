import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusRoot } from '../corpus/paths.js';
import { writeClassicPcap, writePcapng, type WrittenFrame } from '../testing/index.js';
import { readCapture } from './capture.js';
import { openCapture } from './container.js';
import type { CaptureFrame, SkipReason } from './types.js';

const root = corpusRoot();

function frames(bytes: Uint8Array, skipped?: SkipReason[]): CaptureFrame[] {
  const opened = openCapture(bytes, (r) => skipped?.push(r));
  return [...opened.frames];
}

function corpusFile(rel: string): Uint8Array {
  return readFileSync(join(root, rel));
}

/** "1258577884.844956000" (tshark's frame.time_epoch) → ns. */
function tsharkNs(ts: string): bigint {
  const [sec = '0', frac = ''] = ts.split('.');
  return BigInt(sec) * 1_000_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9));
}

describe('capture containers on the corpus', () => {
  it('gives every frame tshark dissected the same number and capture time (classic pcap and pcapng)', () => {
    let checked = 0;
    let files = 0;
    for (const folder of readdirSync(root)) {
      let names: string[];
      try {
        names = readdirSync(join(root, folder, 'groundtruth'));
      } catch {
        continue;
      }
      for (const name of names) {
        const pcap = name.replace(/\.tshark\.json$/, '');
        const all = frames(corpusFile(join(folder, 'pcaps', pcap)));
        const truth = JSON.parse(readFileSync(join(root, folder, 'groundtruth', name), 'utf8')) as { records: { frame: number; ts: string }[] };
        files++;
        for (const r of truth.records) {
          expect(all[r.frame - 1]?.tsNs, `${pcap} frame ${r.frame}`).toBe(tsharkNs(r.ts));
          checked++;
        }
      }
    }
    expect(files).toBe(227);
    expect(checked).toBe(2736);
  });

  it('reads the pcapng captures and their editcap classic copies as the same frames', () => {
    const pairs = [
      ['mysql/pcaps/zeek_mysql_caching_sha2_password-after-auth-switch.pcapng', 'mysql/pcaps-classic/zeek_mysql_caching_sha2_password-after-auth-switch.pcapng.pcap'],
      ['redis/pcaps/tcpdump_resp_4_infiniteloop.pcapng', 'redis/pcaps-classic/tcpdump_resp_4_infiniteloop.pcapng.pcap'],
      ['redis/pcaps/zeek_redis_django-cloud.pcapng', 'redis/pcaps-classic/zeek_redis_django-cloud.pcapng.pcap'],
      ['redis/pcaps/zeek_redis_start-with-server.pcapng', 'redis/pcaps-classic/zeek_redis_start-with-server.pcapng.pcap'],
    ] as const;
    const counts: number[] = [];
    for (const [ng, classic] of pairs) {
      const a = frames(corpusFile(ng));
      const b = frames(corpusFile(classic));
      counts.push(a.length);
      expect(b.map((f) => [f.tsNs, f.linkType, Buffer.from(f.data).toString('hex')])).toEqual(
        // editcap -F pcap keeps microseconds: the nanosecond pcapng (if_tsresol 9) loses its last digits.
        a.map((f) => [(f.tsNs / 1000n) * 1000n, f.linkType, Buffer.from(f.data).toString('hex')]),
      );
    }
    expect(counts).toEqual([27, 1, 474, 6]);
  });
});

describe('container variants the corpus lacks (same packets re-encoded)', () => {
  const source = frames(corpusFile('http1/pcaps/zeek_http_get.pcap'));
  const written: WrittenFrame[] = source.map((f) => ({ linkType: f.linkType, tsNs: f.tsNs, data: f.data, originalLength: f.originalLength }));
  const expected = source.map((f) => [f.index, f.tsNs, f.linkType, f.originalLength, Buffer.from(f.data).toString('hex')]);
  const read = (bytes: Uint8Array) => frames(bytes).map((f) => [f.index, f.tsNs, f.linkType, f.originalLength, Buffer.from(f.data).toString('hex')]);

  it.each([
    ['big-endian µs', { littleEndian: false, nanos: false }],
    ['little-endian ns', { littleEndian: true, nanos: true }],
    ['big-endian ns', { littleEndian: false, nanos: true }],
  ])('classic pcap %s', (_name, opts) => {
    expect(source.length).toBe(14);
    expect(read(writeClassicPcap(written, opts))).toEqual(expected);
  });

  it.each([
    ['little-endian, µs', true, 6],
    ['big-endian, ns', false, 9],
    ['big-endian, ms (coarser than the source)', false, 3],
  ])('pcapng %s', (_name, littleEndian, tsresol) => {
    const scale = 10n ** BigInt(9 - tsresol);
    const want = expected.map((e, i) => [e[0], ((source[i]?.tsNs ?? 0n) / scale) * scale, ...e.slice(2)]);
    expect(read(writePcapng(written, { littleEndian, tsresol }))).toEqual(want);
  });

  it('pcapng with a binary if_tsresol (2^-20 s units)', () => {
    const got = frames(writePcapng(written, { littleEndian: true, tsresol: 0x80 | 20 }));
    expect(got.map((f) => f.tsNs)).toEqual(source.map((f) => (((f.tsNs << 20n) / 1_000_000_000n) * 1_000_000_000n) >> 20n));
  });

  it('pcapng Simple Packet Blocks: the packets without timestamps', () => {
    const got = frames(writePcapng(written, { littleEndian: true, tsresol: 6, simple: true }));
    expect(got.map((f) => [f.tsNs, Buffer.from(f.data).toString('hex')])).toEqual(source.map((f) => [0n, Buffer.from(f.data).toString('hex')]));
  });
});

describe('damaged files never throw', () => {
  it('reads every prefix of a classic pcap and a pcapng, keeping the whole records', () => {
    for (const rel of ['http1/pcaps/zeek_http_get.pcap', 'redis/pcaps/zeek_redis_start-with-server.pcapng']) {
      const bytes = corpusFile(rel);
      const ends = new Set<number>();
      let complete = 0;
      for (const f of frames(bytes)) ends.add(f.data.byteOffset - bytes.byteOffset + f.data.length);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const r = readCapture(bytes.subarray(0, cut));
        if (ends.has(cut)) complete++;
        if (r.error === null) {
          // A record counts once all of it is there (pcapng: the trailing length too).
          expect(r.frames).toBeLessThanOrEqual(complete);
        }
      }
      expect(complete).toBe(ends.size);
    }
  });

  it('names what is wrong with a file that is not a capture', () => {
    expect(readCapture(new TextEncoder().encode('GET / HTTP/1.1\r\n')).error).toBe(
      'not a pcap or pcapng file (magic 0x47455420); convert it with editcap or tshark -F pcapng',
    );
    expect(readCapture(new Uint8Array(2)).error).toBe('file has 2 bytes, too short for a capture header');
    expect(readCapture(new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 2, 0])).error).toBe('pcap file header is cut short (needs 24 bytes)');
  });

  it('counts a file cut inside a record as truncated-file', () => {
    const bytes = corpusFile('http1/pcaps/zeek_http_get.pcap');
    const skipped: SkipReason[] = [];
    expect(frames(bytes.subarray(0, bytes.length - 10), skipped).length).toBe(13);
    expect(skipped).toEqual(['truncated-file']);
  });
});
