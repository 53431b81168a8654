import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../src/pcap/capture.js';
import type { ConversationChunk } from '../src/pcap/types.js';

/** The figure shape `npm run bench` prints (tools/src/bench.ts BenchFigure). */
export interface SqlBenchFigure {
  bench: 'parsers';
  name: string;
  value: number;
  unit: string;
  goal: number | null;
  better: 'higher' | 'lower';
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Conversations (chunks in capture order) of the named corpus captures; throws when the corpus is missing. */
export function corpusConversations(folder: string, pcaps: readonly string[]): ConversationChunk[][] {
  const out: ConversationChunk[][] = [];
  for (const name of pcaps) {
    const file = path.resolve(repoRoot, '../shared/corpora', folder, 'pcaps', name);
    const capture = readCapture(new Uint8Array(readFileSync(file)));
    for (const c of capture.conversations) if (c.transport === 'tcp' && c.chunks.some((k) => k.data.length > 0)) out.push(c.chunks);
  }
  if (out.length === 0) throw new Error(`bench: no conversations in ${folder} corpus; is ../shared/corpora present?`);
  return out;
}

/** Runs `round` until at least `minBytes` and `minMs` have gone by; MB/s over the bytes it reported. */
export function measure(round: () => number, minBytes = 50e6, minMs = 2000): number {
  round(); // warm-up
  let bytes = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (bytes < minBytes || elapsedMs < minMs) {
    bytes += round();
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return bytes / 1e6 / (elapsedMs / 1000);
}
