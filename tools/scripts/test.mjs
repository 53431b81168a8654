#!/usr/bin/env node
// `npm test`: installs what is missing, then runs every test — types, lint (module boundaries), unit,
// integration on PostgreSQL, kernel (real eBPF) and browser. Every step runs; the exit code is non-zero
// when any step failed. With CI=true nothing is skipped: a kernel or browser test that cannot run fails.
import { spawnSync } from 'node:child_process';
import { ensureBrowser, ensureKernel, ensureNpm, nxEnv, repoRoot } from './ensure.mjs';

const only = process.argv.slice(2); // optional step names: typecheck lint unit e2e

ensureNpm();
const blockers = ensureKernel();
if (blockers.length > 0) {
  process.stderr.write(`[test] eBPF cannot run here (${blockers.join('; ')}): kernel tests will fail.\n`);
}
ensureBrowser();

const steps = [
  { name: 'typecheck', cmd: ['npx', 'nx', 'run-many', '-t', 'typecheck', '--outputStyle=stream'] },
  // The boundary rule reads Nx's project graph, which the typecheck step has just computed.
  { name: 'lint', cmd: ['npx', 'eslint', '--max-warnings=0', '.'] },
  { name: 'unit', cmd: ['npx', 'nx', 'run-many', '-t', 'test', '--outputStyle=stream'] },
  { name: 'e2e', cmd: ['npx', 'nx', 'run', 'e2e:e2e', '--outputStyle=stream'] },
].filter((step) => only.length === 0 || only.includes(step.name));

const results = [];
for (const step of steps) {
  process.stdout.write(`\n[test] ── ${step.name}: ${step.cmd.join(' ')}\n`);
  const started = Date.now();
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: 'inherit', cwd: repoRoot, env: nxEnv() });
  results.push({ name: step.name, ok: r.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}

process.stdout.write('\n[test] summary\n');
for (const r of results) process.stdout.write(`[test]   ${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds}s)\n`);
const failed = results.filter((r) => !r.ok).length;
process.exit(failed === 0 ? 0 : 1);
