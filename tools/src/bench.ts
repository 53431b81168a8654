/**
 * `npm run bench -- [suite ...]`: prints one JSON object per figure, one per line:
 * {"bench","name","value","unit","goal","better"}. Each suite compares ours with its anchor in the same
 * run, because these machines are noisy. Benchmarks never run inside `npm test`.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';

export interface BenchFigure {
  bench: string;
  name: string;
  value: number;
  unit: string;
  goal: number | null;
  better: 'higher' | 'lower';
}

/** A suite yields figures as it measures them, so a long run shows progress. */
export type BenchSuite = () => AsyncIterable<BenchFigure>;

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Apps' benchmarks run as their own process (tools never import apps); their JSON lines are relayed. */
function processSuite(script: string): BenchSuite {
  return async function* () {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, script)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.trim().startsWith('{')) yield JSON.parse(line) as BenchFigure;
    }
    const code = await exited;
    if (code !== 0) throw new Error(`${script} exited with ${code}`);
  };
}

const SUITES: Record<string, () => Promise<BenchSuite>> = {
  agent: async () => processSuite('apps/node-agent/bench/run.ts'),
  api: async () => processSuite('apps/api/bench/run.ts'),
  parsers: async () => (await import('@kinsight/protocol-parsers/bench')).parsersBench,
  rca: async () => (await import('@kinsight/rca/bench')).rcaBench,
};

function checkFigure(suite: string, f: BenchFigure): BenchFigure {
  const ok =
    f.bench === suite &&
    typeof f.name === 'string' &&
    Number.isFinite(f.value) &&
    typeof f.unit === 'string' &&
    (f.goal === null || Number.isFinite(f.goal)) &&
    (f.better === 'higher' || f.better === 'lower');
  if (!ok) throw new Error(`suite ${suite} produced a malformed figure: ${JSON.stringify(f)}`);
  return f;
}

const program = new Command()
  .name('bench')
  .argument('[suites...]', `suites to run (${Object.keys(SUITES).join(', ')}); none = all`)
  .action(async (names: string[]) => {
    const chosen = names.length > 0 ? names : Object.keys(SUITES);
    const unknown = chosen.filter((n) => !(n in SUITES));
    if (unknown.length > 0) {
      throw new Error(`unknown bench suite ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
    }
    for (const name of chosen) {
      const load = SUITES[name];
      if (!load) continue;
      const suite = await load();
      for await (const figure of suite()) process.stdout.write(`${JSON.stringify(checkFigure(name, figure))}\n`);
    }
  });

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
