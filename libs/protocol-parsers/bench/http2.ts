import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import hpack from 'hpack.js';
import { HpackDecoder } from '../src/http2/hpack.js';
import { createStitcher } from '../src/stitch.js';
import type { BenchFigure } from './index.js';
import { corpusConversations, measure } from './sql-streams.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CORPUS = path.resolve(repoRoot, '../shared/corpora/http2-grpc');
const PREFACE_START = 0x50; // 'P' of `PRI * HTTP/2.0`

/** Every header block of the hpack-test-case stories, one array per story (blocks share a dynamic table). */
function hpackStories(): Buffer[][] {
  const dir = path.join(CORPUS, 'vectors/hpack-test-case/nghttp2');
  const stories = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => {
    const story = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { cases: Array<{ wire: string }> };
    return story.cases.map((c) => Buffer.from(c.wire, 'hex'));
  });
  if (stories.length === 0) throw new Error(`bench: no HPACK stories in ${dir}; is ../shared/corpora present?`);
  return stories;
}

/**
 * HTTP/2 figures, in one run: the stitcher (frames, HPACK, streams, gRPC trailers) on the
 * corpus captures' conversations, and our HPACK decoder against hpack.js on the same
 * story blocks (both build every header name and value as a string).
 */
export async function* http2Figures(): AsyncIterable<BenchFigure> {
  const pcaps = readdirSync(path.join(CORPUS, 'pcaps'));
  const conversations = corpusConversations('http2-grpc', pcaps);
  const convBytes = conversations.reduce((n, c) => n + c.reduce((m, k) => m + k.data.length, 0), 0);
  const streams = measure(() => {
    for (const chunks of conversations) {
      // h2c and CONNECT conversations start as HTTP/1.1 and are handed over after the switch.
      const first = chunks.find((k) => k.direction === 'request' && k.data.length > 0);
      const s = createStitcher(first?.data[0] === PREFACE_START ? 'http2' : 'http1');
      for (const k of chunks) {
        s.push(k.direction, k);
        s.take();
      }
      s.flush();
    }
    return convBytes;
  });
  yield { bench: 'parsers', name: 'http2_mb_per_s', value: round(streams), unit: 'MB/s', goal: null, better: 'higher' };

  const stories = hpackStories();
  const storyBytes = stories.reduce((n, s) => n + s.reduce((m, b) => m + b.length, 0), 0);
  let sink = 0;
  const ours = measure(() => {
    for (const blocks of stories) {
      const d = new HpackDecoder();
      for (const b of blocks) {
        d.decode(b, (name, value) => {
          sink += (name?.length ?? 0) + (value?.length ?? 0);
        });
      }
    }
    return storyBytes;
  }, 20e6);
  const reference = measure(() => {
    for (const blocks of stories) {
      const d = hpack.decompressor.create({ table: { size: 4096 } });
      for (const b of blocks) {
        d.write(b);
        d.execute();
        for (let h = d.read(); h !== null; h = d.read()) sink += h.name.length + h.value.length;
      }
    }
    return storyBytes;
  }, 20e6);
  if (sink === 0) throw new Error('bench: decoders produced no headers');
  yield { bench: 'parsers', name: 'hpack_mb_per_s', value: round(ours), unit: 'MB/s', goal: null, better: 'higher' };
  yield { bench: 'parsers', name: 'hpackjs_mb_per_s', value: round(reference), unit: 'MB/s', goal: null, better: 'higher' };
  yield { bench: 'parsers', name: 'hpack_vs_hpackjs', value: round(ours / reference), unit: 'ratio', goal: 1, better: 'higher' };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
