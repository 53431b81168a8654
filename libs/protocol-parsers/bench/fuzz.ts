/**
 * The corpus fuzzer at benchmark scale: for every protocol, 10⁶ seeded mutations of real corpus chunks
 * (byte flips, insertions, deletions, duplications; random truncation as capture gaps) pushed through
 * the protocol's stitcher. Figures: inputs run, exceptions (must be 0) and the largest number of bytes a
 * stitcher held (bounded whatever the input). `npm test` runs the same idea with a few thousand inputs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ModuleName } from '../src/core/protocol.js';
import { corpusFolders } from '../src/corpus/agreement.js';
import { corpusRoot } from '../src/corpus/paths.js';
import { readCapture } from '../src/pcap/capture.js';
import { protocolModule } from '../src/registry.js';
import { seededRandom } from '../src/testing/bytes.js';
import { mutateBytes } from '../src/testing/mutate.js';
import { readTansuVectors } from '../src/testing/tansu-vectors.js';
import type { BenchFigure } from './index.js';

const INPUTS_PER_PROTOCOL = 1_000_000;
/** A stitcher sees this many mutated chunks before it is flushed and replaced, like one connection. */
const CHUNKS_PER_CONNECTION = 64;
const INTERESTING = Uint8Array.from([0, 0xff, 0x7f, 0x80, 0x0d, 0x0a, 0x20, 0x2a, 0x24, 0x3a]);

interface Seed {
  direction: 'request' | 'response';
  data: Uint8Array;
  transport: 'tcp' | 'udp';
}

/** Chunks of every corpus capture the registry infers as `protocol`, each with the side it came from. */
function corpusSeeds(root: string, folder: string, protocol: ModuleName): Seed[] {
  const seeds: Seed[] = [];
  const dir = join(root, folder, 'pcaps');
  for (const name of readdirSync(dir)) {
    const capture = readCapture(new Uint8Array(readFileSync(join(dir, name))));
    for (const conv of capture.conversations) {
      for (const chunk of conv.chunks) {
        if (chunk.data.length === 0) continue;
        seeds.push({ direction: chunk.direction, data: chunk.data.subarray(0, 4096), transport: conv.transport });
      }
    }
  }
  if (seeds.length === 0) throw new Error(`fuzz: no ${protocol} chunks in ${dir}`);
  return seeds;
}

function kafkaSeeds(root: string): Seed[] {
  const dir = join(root, 'kafka', 'vectors', 'nisshi-sans-io');
  const jsonl = readdirSync(dir).find((f) => f.endsWith('.jsonl'));
  if (!jsonl) throw new Error(`fuzz: no decode vectors in ${dir}`);
  return readTansuVectors(readFileSync(join(dir, jsonl), 'utf8')).map((v) => ({ direction: v.kind, data: v.frame, transport: 'tcp' }));
}

function fuzzProtocol(protocol: ModuleName, seeds: readonly Seed[]): { exceptions: number; maxBuffered: number; ms: number } {
  const module = protocolModule(protocol);
  const rand = seededRandom(0x5eed ^ protocol.length);
  let exceptions = 0;
  let maxBuffered = 0;
  const started = performance.now();
  for (let done = 0; done < INPUTS_PER_PROTOCOL; done += CHUNKS_PER_CONNECTION) {
    const first = seeds[Math.floor(rand() * seeds.length)];
    const stitcher = module.createStitcher({ transport: first?.transport ?? 'tcp' });
    try {
      for (let i = 0; i < CHUNKS_PER_CONNECTION; i++) {
        const seed = seeds[Math.floor(rand() * seeds.length)];
        if (!seed) continue;
        const data = mutateBytes(seed.data, rand, INTERESTING);
        // One in eight chunks is a truncated capture: the kernel kept only a head of what moved.
        const kept = rand() < 0.125 ? data.subarray(0, Math.floor(rand() * data.length)) : data;
        stitcher.push(seed.direction, { data: kept, size: data.length, tsNs: BigInt(done + i) });
        stitcher.take();
        maxBuffered = Math.max(maxBuffered, stitcher.stats.bufferedBytes);
      }
      stitcher.flush();
    } catch {
      exceptions++;
    }
  }
  return { exceptions, maxBuffered, ms: performance.now() - started };
}

export async function* fuzzFigures(): AsyncIterable<BenchFigure> {
  const root = corpusRoot();
  const targets: { protocol: ModuleName; seeds: Seed[] }[] = corpusFolders(root).map(({ folder, protocol }) => ({
    protocol,
    seeds: corpusSeeds(root, folder, protocol),
  }));
  targets.push({ protocol: 'kafka', seeds: kafkaSeeds(root) });
  for (const { protocol, seeds } of targets) {
    const r = fuzzProtocol(protocol, seeds);
    const figure = (name: string, value: number, unit: string, goal: number | null, better: 'higher' | 'lower'): BenchFigure => ({
      bench: 'parsers', name: `fuzz_${protocol}_${name}`, value, unit, goal, better,
    });
    yield figure('inputs', INPUTS_PER_PROTOCOL, 'mutated chunks', INPUTS_PER_PROTOCOL, 'higher');
    yield figure('exceptions', r.exceptions, 'count', 0, 'lower');
    yield figure('max_buffered_bytes', r.maxBuffered, 'bytes', null, 'lower');
    yield figure('inputs_per_s', Math.round(INPUTS_PER_PROTOCOL / (r.ms / 1000)), 'inputs/s', null, 'higher');
  }
}
