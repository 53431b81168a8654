#!/usr/bin/env node
import { constants as osConstants } from 'node:os';
import { Command, Option } from 'commander';
import { pino } from 'pino';
import { Agent } from './agent.js';
import { checkKernelSupport } from './capture/index.js';
import { parseDuration, parseIntOption } from './cli-options.js';
import { kubernetesOf, readEnv } from './env.js';
import { CPU_PRIORITIES, CpuGovernor, type CpuPriority } from './scheduling.js';

/** Set by launch.mjs, which passes stop signals on (see onSignal). */
const LAUNCHED_ENV = 'KINSIGHT_AGENT_LAUNCHED';

const program = new Command()
  .name('kinsight-agent')
  .description('Kinsight node agent: eBPF capture of L7 traffic, aggregated into golden metrics per edge')
  .option('--print', 'print one JSON line per transaction (the replay schema) instead of sending aggregates to the API')
  .option('--print-net', 'print one JSON line per TCP connection per interval: retransmits, srtt, drops, resets, bytes')
  .option('--pid <pid>', 'only this process (filtered in the kernel)', parseIntOption('--pid'))
  .option('--port <port>', 'only connections with this local or remote port (filtered in the kernel)', parseIntOption('--port'))
  .option('--no-send', 'aggregate without sending to the API (for measuring the agent; see /metrics)')
  .option('--duration <duration>', 'stop after this long (e.g. 30s)', parseDuration)
  .option('--api <url>', 'API base URL (default: KINSIGHT_API_URL)')
  .option('--metrics-port <port>', 'port of the agent /metrics endpoint, 0 to disable', parseIntOption('--metrics-port'))
  .addOption(
    new Option(
      '--cpu-priority <priority>',
      'adaptive: yield the CPU to workloads (SCHED_IDLE) unless behind; idle: always yield; normal (default: KINSIGHT_AGENT_CPU_PRIORITY or adaptive)',
    ).choices(
      CPU_PRIORITIES,
    ),
  );

async function main(): Promise<void> {
  program.parse();
  const cli = program.opts<{
    print?: boolean;
    printNet?: boolean;
    pid?: number;
    port?: number;
    duration?: number;
    api?: string;
    metricsPort?: number;
    cpuPriority?: CpuPriority;
    send: boolean;
  }>();
  const printing = cli.print === true || cli.printNet === true;
  const env = readEnv();
  // In print mode stdout carries the records; logs go to stderr.
  const log = pino({ level: env.LOG_LEVEL, base: { svc: 'node-agent' } }, pino.destination(printing ? 2 : 1));

  // Before any capture thread starts, so the ring drain thread and libuv's pool inherit it.
  const cpu = new CpuGovernor(cli.cpuPriority ?? env.KINSIGHT_AGENT_CPU_PRIORITY, {
    onChange: (change) =>
      'refused' in change
        ? log.warn({ reason: change.refused }, 'the kernel refused a change of the agent CPU priority')
        : log.info({ policy: change.policy, why: change.why }, 'agent CPU priority changed'),
  });
  cpu.start();

  const support = checkKernelSupport();
  if (!support.ok) {
    log.error({ missing: support.missing }, `eBPF capture cannot run here: ${support.missing.join('; ')}`);
    process.exitCode = 2;
    return;
  }
  if (!printing && cli.send && !env.KINSIGHT_AGENT_TOKEN) {
    log.error('KINSIGHT_AGENT_TOKEN is not set: the API refuses batches without an agent token (or use --print)');
    process.exitCode = 2;
    return;
  }

  // Kubernetes names (pods, services) when there is a cluster; until its first list lands, or if it never
  // does, services keep their process names — the capture never waits on the apiserver.
  const cluster = kubernetesOf(env);
  // Loaded only for a cluster: client-node and its generated models cost ~100 MB of RSS for nothing otherwise.
  const kube = cluster ? new (await import('./k8s/watch.js')).KubeWatch({ kubeconfig: cluster.kubeconfig, log }) : null;
  if (kube) {
    kube.start().then(
      () => log.info({ pods: kube.index.podCount, services: kube.index.serviceCount }, 'kubernetes metadata synced'),
      (error: unknown) => log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'kubernetes metadata not available yet; retrying'),
    );
  }

  const filter = { ...(cli.pid === undefined ? {} : { pid: cli.pid }), ...(cli.port === undefined ? {} : { port: cli.port }) };
  const agent = new Agent({
    log,
    filter,
    ...(cli.print ? { print: (record) => process.stdout.write(`${JSON.stringify(record)}\n`) } : {}),
    ...(cli.printNet ? { printNet: (record) => process.stdout.write(`${JSON.stringify(record)}\n`) } : {}),
    ...(printing || !cli.send
      ? {}
      : { api: { url: cli.api ?? env.KINSIGHT_API_URL, token: env.KINSIGHT_AGENT_TOKEN ?? '', agentId: env.KINSIGHT_AGENT_ID, spoolDir: env.KINSIGHT_SPOOL_DIR } }),
    ...(env.KINSIGHT_BPF_OBJECT === undefined ? {} : { objectPath: env.KINSIGHT_BPF_OBJECT }),
    ...(kube ? { kube: { index: kube.index, node: env.KINSIGHT_NODE_NAME } } : {}),
    cpu,
  });
  agent.start();
  const metricsPort = cli.metricsPort ?? env.KINSIGHT_AGENT_METRICS_PORT;
  const server = metricsPort > 0 && !printing ? await agent.metrics.serve(metricsPort) : null;
  if (server) log.info(`agent metrics on http://127.0.0.1:${metricsPort}/metrics`);

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ why }, 'stopping agent');
    await kube?.stop();
    const { delivered } = await agent.stop();
    if (!delivered) log.warn('some batches were not delivered before shutdown');
    server?.close();
  };
  // Like tcpdump piped into head: a closed stdout ends the run quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') void stop('stdout closed');
    else log.error({ err }, 'cannot write to stdout');
  });
  // Under launch.mjs a terminal's Ctrl-C reaches the agent twice, directly and passed on: the first signal
  // after the stop began is that copy. (Not told by time: detaching the programs keeps the event loop busy
  // for a second or more, and both copies wait for it.) Any further signal means now.
  let copiesToIgnore = process.env[LAUNCHED_ENV] === '1' ? 1 : 0;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (!stopping) void stop(signal);
    else if (copiesToIgnore > 0) copiesToIgnore--;
    else {
      log.warn({ signal }, 'signalled again while stopping: exiting without the final flush');
      process.exit(128 + osConstants.signals[signal]);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (cli.duration !== undefined) setTimeout(() => void stop(`--duration elapsed`), cli.duration).unref();
}

main().catch((err: unknown) => {
  process.stderr.write(`kinsight-agent: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
