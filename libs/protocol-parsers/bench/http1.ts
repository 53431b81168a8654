/**
 * HTTP/1 decoder vs Node's llhttp `HTTPParser` (`node:_http_common`), fed the same corpus streams in the
 * same run: every request and response stream of /work/shared/corpora/http1 that both parsers read to the
 * end without error, repeated to ≥ 50 MB.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { StreamDirection } from '../src/core/stream.js';
import { corpusRoot } from '../src/corpus/paths.js';
import { Http1Decoder } from '../src/http1/parse.js';
import { readCapture } from '../src/pcap/capture.js';
import type { BenchFigure } from './index.js';

const TARGET_BYTES = 50 * 1024 * 1024;

/** The slice of llhttp's binding the benchmark drives. */
interface LlhttpParser {
  initialize(type: number, resource: object): void;
  execute(data: Uint8Array): number | Error;
  finish(): number | Error | undefined;
  [callback: number]: unknown;
}
interface LlhttpBinding {
  new (): LlhttpParser;
  REQUEST: number;
  RESPONSE: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
}

function loadLlhttp(): LlhttpBinding {
  const mod: unknown = createRequire(import.meta.url)('_http_common');
  const parser = typeof mod === 'object' && mod !== null && 'HTTPParser' in mod ? mod.HTTPParser : undefined;
  if (typeof parser !== 'function') throw new Error(`node:_http_common has no HTTPParser on Node ${process.version}; the http1 bench needs it`);
  return parser as LlhttpBinding;
}

interface Stream {
  direction: StreamDirection;
  bytes: Uint8Array;
}

/** Concatenated bytes of each direction of each conversation without holes. */
function corpusStreams(): Stream[] {
  const dir = join(corpusRoot(), 'http1', 'pcaps');
  const out: Stream[] = [];
  for (const name of readdirSync(dir).sort()) {
    for (const conv of readCapture(readFileSync(join(dir, name))).conversations) {
      for (const direction of ['request', 'response'] as const) {
        const chunks = conv.chunks.filter((c) => c.direction === direction);
        if (chunks.length === 0 || chunks.some((c) => c.size !== c.data.length)) continue;
        out.push({ direction, bytes: Buffer.concat(chunks.map((c) => c.data)) });
      }
    }
  }
  return out;
}

function runOurs(s: Stream): number {
  const d = new Http1Decoder(s.direction);
  let input = s.bytes;
  let messages = 0;
  for (;;) {
    const r = d.parse(input);
    if (r.kind === 'need-more' || r.kind === 'invalid') break;
    if (r.kind === 'frame' && r.frame.type === 'end') messages++;
    input = input.subarray(r.consumed);
  }
  if (d.finish(input) === 'message-end') messages++;
  return messages;
}

function runLlhttp(binding: LlhttpBinding, s: Stream): number {
  const p = new binding();
  p.initialize(s.direction === 'request' ? binding.REQUEST : binding.RESPONSE, {});
  let messages = 0;
  p[binding.kOnHeadersComplete] = () => 0;
  p[binding.kOnBody] = () => undefined;
  p[binding.kOnMessageComplete] = () => {
    messages++;
  };
  const r = p.execute(s.bytes);
  if (r instanceof Error) return -1;
  const f = p.finish();
  return f instanceof Error ? -1 : messages;
}

function time(streams: readonly Stream[], rounds: number, run: (s: Stream) => number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) for (const s of streams) run(s);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function* http1Figures(): AsyncIterable<BenchFigure> {
  const binding = loadLlhttp();
  // Only streams both parsers read whole and agree on, so both do the same work.
  const streams = corpusStreams().filter((s) => {
    const theirs = runLlhttp(binding, s);
    return theirs > 0 && theirs === runOurs(s);
  });
  const bytesPerRound = streams.reduce((n, s) => n + s.bytes.length, 0);
  if (bytesPerRound === 0) throw new Error('http1 bench: no corpus stream that both parsers read; check /work/shared/corpora/http1');
  const rounds = Math.ceil(TARGET_BYTES / bytesPerRound);
  // Warm both up, then alternate twice so neither gets only the cold or the hot half of the run.
  time(streams, Math.ceil(rounds / 10), runOurs);
  time(streams, Math.ceil(rounds / 10), (s) => runLlhttp(binding, s));
  let ours = 0;
  let theirs = 0;
  for (let i = 0; i < 2; i++) {
    ours += time(streams, rounds, runOurs);
    theirs += time(streams, rounds, (s) => runLlhttp(binding, s));
  }
  const mb = (2 * rounds * bytesPerRound) / 1e6;
  yield { bench: 'parsers', name: 'http1_mb_per_s', value: Number((mb / ours).toFixed(1)), unit: 'MB/s', goal: null, better: 'higher' };
  yield { bench: 'parsers', name: 'http1_llhttp_mb_per_s', value: Number((mb / theirs).toFixed(1)), unit: 'MB/s', goal: null, better: 'higher' };
  yield { bench: 'parsers', name: 'http1_vs_llhttp', value: Number((theirs / ours).toFixed(3)), unit: 'ratio', goal: 1, better: 'higher' };
}
