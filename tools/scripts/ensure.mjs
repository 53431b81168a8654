#!/usr/bin/env node
// Installs what a fresh clone is missing, before anything that needs node_modules runs.
// Plain Node on purpose: it must work when nothing is installed yet.
//
//   node tools/scripts/ensure.mjs --npm --kernel --browser
//
// --npm      npm dependencies (npm ci when node_modules is missing or older than the lockfile)
// --kernel   Debian packages the agent needs, tracefs/bpffs mounts, the BPF objects and the native addon
// --browser  Debian's chromium for the dashboard's browser tests
// Exit code 0 when everything asked for is in place; otherwise it says what is missing and how to get it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const KERNEL_PACKAGES = ['clang', 'llvm', 'libbpf-dev', 'bpftool', 'libelf-dev', 'zlib1g-dev', 'iproute2', 'make', 'g++'];
const BROWSER_PACKAGES = ['chromium'];

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function log(message) {
  process.stderr.write(`[ensure] ${message}\n`);
}

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: repoRoot, ...opts });
  if (result.error) throw new Error(`${cmd} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status}`);
}

function missingDebianPackages(names) {
  return names.filter((name) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

let aptUpdated = false;
/** Installs Debian packages as root; otherwise names the command a user must run. */
export function ensureDebianPackages(names, why) {
  const missing = missingDebianPackages(names);
  if (missing.length === 0) return true;
  if (!isRoot) {
    log(`${why} needs Debian packages: ${missing.join(' ')}. Run: sudo apt-get install -y ${missing.join(' ')}`);
    return false;
  }
  log(`installing ${missing.join(' ')} (${why})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    run('apt-get', ['update', '-qq'], { env });
    aptUpdated = true;
  }
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
  return true;
}

export function ensureNpm() {
  const lock = join(repoRoot, 'package-lock.json');
  const marker = join(repoRoot, 'node_modules', '.package-lock.json');
  const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
  if (!stale) return;
  log('installing npm dependencies (npm ci)');
  run('npm', existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund']);
}

function isMounted(path) {
  try {
    return readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .some((line) => line.split(' ')[1] === path);
  } catch {
    return false;
  }
}

/** tracefs must be mounted before tracepoints can attach; bpffs for pinning. */
export function ensureKernelMounts() {
  const mounts = [
    { type: 'tracefs', path: '/sys/kernel/tracing' },
    { type: 'bpf', path: '/sys/fs/bpf' },
  ];
  let ok = true;
  for (const { type, path } of mounts) {
    if (isMounted(path)) continue;
    if (!isRoot) {
      log(`${type} is not mounted at ${path}. Run: sudo mount -t ${type} ${type === 'bpf' ? 'bpffs' : 'nodev'} ${path}`);
      ok = false;
      continue;
    }
    mkdirSync(path, { recursive: true });
    const r = spawnSync('mount', ['-t', type, type === 'bpf' ? 'bpffs' : 'nodev', path], { stdio: 'inherit' });
    if (r.status !== 0) {
      log(`mounting ${type} at ${path} failed`);
      ok = false;
    }
  }
  return ok;
}

/** Builds the BPF objects and the libbpf addon through Nx (cached when sources did not change). */
export function buildKernelArtifacts() {
  run('npx', ['nx', 'run-many', '-t', 'build', 'build-addon', '-p', 'bpf', 'libbpf-ts', '--outputStyle=stream'], {
    env: nxEnv(),
  });
}

export function nxEnv(extra = {}) {
  return { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', ...extra };
}

/** Returns the reasons real eBPF capture cannot run here (empty when it can). */
export function kernelBlockers() {
  const blockers = [];
  if (!isRoot) blockers.push('not running as root (eBPF needs CAP_BPF and CAP_PERFMON)');
  if (!existsSync('/sys/kernel/btf/vmlinux')) blockers.push('the kernel exposes no BTF at /sys/kernel/btf/vmlinux');
  if (!isMounted('/sys/kernel/tracing')) blockers.push('tracefs is not mounted at /sys/kernel/tracing');
  if (missingDebianPackages(KERNEL_PACKAGES).length > 0) {
    blockers.push(`missing Debian packages: ${missingDebianPackages(KERNEL_PACKAGES).join(' ')}`);
  }
  return blockers;
}

/** Kernel side: packages, mounts, builds. Returns the blockers left (empty when eBPF can run). */
export function ensureKernel({ build = true } = {}) {
  try {
    ensureDebianPackages(KERNEL_PACKAGES, 'eBPF capture');
    ensureKernelMounts();
  } catch (err) {
    log(`kernel prerequisites: ${err instanceof Error ? err.message : String(err)}`);
  }
  const blockers = kernelBlockers();
  if (blockers.length === 0 && build) buildKernelArtifacts();
  return blockers;
}

export function ensureBrowser() {
  try {
    ensureDebianPackages(BROWSER_PACKAGES, 'browser tests');
  } catch (err) {
    log(`browser: ${err instanceof Error ? err.message : String(err)}`);
  }
  return existsSync('/usr/bin/chromium');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const flags = new Set(process.argv.slice(2));
  try {
    if (flags.has('--npm')) ensureNpm();
    if (flags.has('--kernel')) {
      const blockers = ensureKernel();
      if (blockers.length > 0) log(`eBPF capture cannot run here: ${blockers.join('; ')}`);
    }
    if (flags.has('--browser') && !ensureBrowser()) log('chromium is missing: apt-get install -y chromium');
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
