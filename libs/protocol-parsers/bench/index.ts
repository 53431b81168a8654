/**
 * `npm run bench -- parsers`: throughput of each protocol's decoder against its reference parser (same
 * buffers, same run) from `bench/<proto>.ts`, then the share of tshark's keys the replay reproduces on
 * each registered protocol's corpus folder.
 */
import { corpusFolders, measureFolder } from '../src/corpus/agreement.js';
import { corpusRoot } from '../src/corpus/paths.js';
import { PROTOCOL_MODULES } from '../src/registry.js';
import { http1Figures } from './http1.js';
import { http2Figures } from './http2.js';
import { dnsFigures } from './dns.js';
import { fuzzFigures } from './fuzz.js';
import { kafkaFigures } from './kafka.js';
import { mysqlFigures } from './mysql.js';
import { pgsqlFigures } from './pgsql.js';
import { redisFigures } from './redis.js';

export interface BenchFigure {
  bench: 'parsers';
  name: string;
  value: number;
  unit: string;
  goal: number | null;
  better: 'higher' | 'lower';
}

/** One generator per protocol; add a line here for `bench/<proto>.ts`. */
const PROTOCOL_FIGURES: readonly (() => AsyncIterable<BenchFigure>)[] = [
  http1Figures,
  http2Figures,
  redisFigures,
  dnsFigures,
  mysqlFigures,
  pgsqlFigures,
  kafkaFigures,
];

export async function* corpusAgreementFigures(): AsyncIterable<BenchFigure> {
  const root = corpusRoot();
  const registered = new Set<string>(PROTOCOL_MODULES.map((m) => m.name));
  for (const { folder, protocol } of corpusFolders(root)) {
    if (!registered.has(protocol)) continue;
    const a = measureFolder(root, folder);
    yield { bench: 'parsers', name: `corpus_agreement_${protocol}`, value: Number(a.recall.toFixed(4)), unit: 'share of tshark keys', goal: 0.99, better: 'higher' };
  }
}

export async function* parsersBench(): AsyncIterable<BenchFigure> {
  for (const figures of PROTOCOL_FIGURES) yield* figures();
  yield* corpusAgreementFigures();
  yield* fuzzFigures();
}
