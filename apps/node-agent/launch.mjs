// The node agent as it runs on a node: bundled to plain JavaScript, then started with its V8 flags.
//
//   node apps/node-agent/launch.mjs [agent options]     (what `npm run agent -- …` runs)
//
// Bundling (esbuild: our TypeScript and the workspace libs in one module, npm packages left to node_modules,
// the Kubernetes watcher split off so it loads only on a cluster) replaces running the sources under tsx,
// whose loader runs in a second V8 isolate: ~43 MB RSS for nothing after start-up (129 → 86 MB idle here).
// The bundle is rebuilt at every launch (~0.3 s), so it never runs stale sources. Each source file's
// `import.meta.url` is replaced by that file's own URL, so paths resolved from it (the BPF objects, the
// native addon) stay what they are in the sources. Kernel tests still run src/main.ts through tsx; the CLI
// test runs this bundle.
import { spawn } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { constants } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Where the bundle is written: dist/main.mjs, plus a chunk per lazily imported module. */
export const agentEntry = join(here, 'dist', 'main.mjs');

/**
 * The agent's V8 flags (docs/AGENT-BENCH.md):
 * - the young generation pinned at 2 × 8 MB: V8's default grows it to 2 × 16 MB (~15 MB more RSS), and only
 *   capping it let it shrink to 1 MB under load, where the pipeline ran at half speed;
 * - no allocation-site pretenuring: now and then V8 decided to allocate a per-batch object in the old
 *   generation, after which everything it pointed to survived scavenges (3 of 19 replays promoted 280 MB
 *   instead of 13–15 MB and ran at 102–124k instead of ~125–170k transactions per CPU-second, 0 of 15 with
 *   the flag; live, 4 of 8 starts peaked above 150 MB RSS, up to 165, against 1 of 8, at 154).
 */
export const AGENT_NODE_FLAGS = ['--min-semi-space-size=8', '--max-semi-space-size=8', '--no-allocation-site-pretenuring'];

/** Gives every .ts file under apps/ and libs/ its own import.meta.url, and leaves npm packages external. */
const sourcePaths = {
  name: 'kinsight-source-paths',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@kinsight/') ? undefined : { path: args.path, external: true }));
    build.onLoad({ filter: /\/(apps|libs)\/.*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

/** Builds dist/ from src/main.ts; returns the entry to run. Throws with esbuild's messages on a build error. */
export async function bundleAgent() {
  const { build, stop } = await import('esbuild');
  const outdir = join(here, 'dist');
  const result = await build({
    entryPoints: [join(here, 'src', 'main.ts')],
    outdir,
    absWorkingDir: here,
    metafile: true,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    plugins: [sourcePaths],
    logLevel: 'warning',
  });
  // esbuild's service process would otherwise live as long as the launcher, beside the agent, and ping it:
  // ~65 wakeups/s of its own and ~45 of the launcher's, at normal priority (perf stat: none once stopped).
  await stop();
  // Chunks are named by content hash: remove those of earlier builds.
  const written = new Set(Object.keys(result.metafile.outputs).map((output) => relative(outdir, join(here, output))));
  for (const file of await readdir(outdir)) if (!written.has(file)) await rm(join(outdir, file), { force: true });
  return agentEntry;
}

/**
 * `node launch.mjs …`: bundle, run the agent with its flags, pass signals on and exit as it exits.
 *
 * The agent stays in this session. A session of its own (setsid, `detached`) gave it an autogroup of its own:
 * the scheduler then weighs the agent's group against the workloads' as equals, and SCHED_IDLE, which acts
 * only between tasks of one group, stopped working (p99 at 10k req/s 1.56–1.80 ms against 1.38–1.49 agent
 * off, and 1.40–1.41 for the same agent in the workloads' session; docs/AGENT-BENCH.md). A terminal's Ctrl-C
 * thus reaches the agent twice, directly and through here; told so by KINSIGHT_AGENT_LAUNCHED, the agent
 * takes the second copy as the same stop.
 */
async function main() {
  const entry = await bundleAgent();
  const agent = spawn(process.execPath, [...AGENT_NODE_FLAGS, entry, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, KINSIGHT_AGENT_LAUNCHED: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => agent.kill(signal));
  agent.on('exit', (code, signal) => process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    process.stderr.write(`agent launch: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
