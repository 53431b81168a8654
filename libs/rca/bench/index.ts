import { attributionBench } from './attribution.js';
import { reportBench } from './report.js';

/** Same shape as tools/src/bench.ts BenchFigure (libs do not import tools). */
export interface RcaBenchFigure {
  bench: 'rca';
  name: string;
  value: number;
  unit: string;
  goal: number | null;
  better: 'higher' | 'lower';
}

export async function* rcaBench(): AsyncIterable<RcaBenchFigure> {
  yield* attributionBench();
  yield* reportBench();
}
