/**
 * The slow-network scenario's plumbing: a network namespace joined to the host by a veth pair, and a
 * fault switched on and off at run time — random loss from a tc/BPF program on the namespace's side of
 * the veth (the side that receives the host's packets, so the host's sockets really retransmit), and
 * optionally a tbf rate limit on the host's side. No netem needed.
 *
 * Every step is idempotent: `create()` first removes what a crashed earlier run left behind, and
 * `destroy()` removes the processes still in the namespace, the namespace, the veth and every qdisc.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** bpf/test/ks_tc_loss.bpf.c, built by `nx run bpf:build` (npm start and npm test build it). */
export const lossObject = fileURLToPath(new URL('../../../bpf/.output/test/ks_tc_loss.bpf.o', import.meta.url));

export interface Fault {
  /** share of the packets arriving in the namespace that are dropped, in percent (0–100) */
  lossPercent: number;
  /** optional rate limit towards the namespace, kbit/s */
  rateKbit?: number;
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const detail = typeof stderr === 'string' && stderr.trim() ? stderr.trim() : error instanceof Error ? error.message : String(error);
    throw new Error(`${command} ${args.join(' ')}: ${detail}`, { cause: error });
  }
}

/** Runs a cleanup step that may find nothing to clean. */
function quietly(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch {
    // absent already
  }
}

export class SlowNetwork {
  /** `ip netns` name */
  readonly netns: string;
  readonly hostDevice: string;
  readonly namespaceDevice: string;
  /** the host's end of the veth (where the namespace's processes see the host) */
  readonly hostAddress: string;
  /** the namespace's end: what the host calls */
  readonly namespaceAddress: string;
  private fault: Fault | null = null;

  /** `tag` (≤ 8 letters or digits) keeps a demo and a test apart; `subnet` picks 10.204.<subnet>.0/30. */
  constructor(tag: string, subnet: number) {
    if (!/^[a-z0-9]{1,8}$/.test(tag)) throw new Error(`slow network tag "${tag}": use 1–8 lower-case letters or digits`);
    if (!Number.isInteger(subnet) || subnet < 0 || subnet > 255) throw new Error(`slow network subnet ${subnet}: use 0–255`);
    this.netns = `kinsight-${tag}`;
    this.hostDevice = `ks-${tag}-h`;
    this.namespaceDevice = `ks-${tag}-n`;
    this.hostAddress = `10.204.${subnet}.1`;
    this.namespaceAddress = `10.204.${subnet}.2`;
  }

  get activeFault(): Fault | null {
    return this.fault;
  }

  create(): void {
    this.destroy();
    run('ip', ['netns', 'add', this.netns]);
    try {
      run('ip', ['link', 'add', this.hostDevice, 'type', 'veth', 'peer', 'name', this.namespaceDevice, 'netns', this.netns]);
      run('ip', ['addr', 'add', `${this.hostAddress}/30`, 'dev', this.hostDevice]);
      run('ip', ['link', 'set', this.hostDevice, 'up']);
      run('ip', ['-n', this.netns, 'addr', 'add', `${this.namespaceAddress}/30`, 'dev', this.namespaceDevice]);
      run('ip', ['-n', this.netns, 'link', 'set', this.namespaceDevice, 'up']);
      run('ip', ['-n', this.netns, 'link', 'set', 'lo', 'up']);
    } catch (error) {
      this.destroy();
      throw error;
    }
  }

  /** The command line that runs `command` inside the namespace (`ip netns exec` execs: same pid). */
  inside(command: string, args: string[]): [string, string[]] {
    return ['ip', ['netns', 'exec', this.netns, command, ...args]];
  }

  /** Switches the fault on (replacing one that is on). */
  faultOn(fault: Fault): void {
    if (!(fault.lossPercent >= 0 && fault.lossPercent <= 100)) throw new Error(`loss ${fault.lossPercent}%: use 0–100`);
    if (fault.rateKbit !== undefined && !(fault.rateKbit >= 8)) throw new Error(`rate ${fault.rateKbit} kbit/s: use 8 or more`);
    if (!existsSync(lossObject)) throw new Error(`${lossObject} is missing: run \`npx nx run bpf:build\``);
    this.faultOff();
    const tc = (...args: string[]) => run('tc', ['-n', this.netns, ...args]);
    try {
      tc('qdisc', 'add', 'dev', this.namespaceDevice, 'clsact');
      tc('filter', 'add', 'dev', this.namespaceDevice, 'ingress', 'bpf', 'da', 'obj', lossObject, 'sec', 'tc');
      this.setLossRate(Math.round(fault.lossPercent * 10_000));
      if (fault.rateKbit !== undefined) {
        // burst: at least one full-size packet; latency bounds the queue so the limit delays rather than drops.
        run('tc', ['qdisc', 'add', 'dev', this.hostDevice, 'root', 'tbf', 'rate', `${fault.rateKbit}kbit`, 'burst', '4kb', 'latency', '400ms']);
      }
    } catch (error) {
      this.faultOff();
      throw error;
    }
    this.fault = { ...fault };
  }

  faultOff(): void {
    quietly('tc', ['-n', this.netns, 'qdisc', 'del', 'dev', this.namespaceDevice, 'clsact']);
    quietly('tc', ['qdisc', 'del', 'dev', this.hostDevice, 'root']);
    this.fault = null;
  }

  /** Kills what still runs in the namespace, then removes the namespace, the veth and their qdiscs. */
  destroy(): void {
    this.fault = null;
    let pids: string[] = [];
    try {
      pids = execFileSync('ip', ['netns', 'pids', this.netns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(/\s+/).filter(Boolean);
    } catch {
      // no such namespace
    }
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    quietly('ip', ['netns', 'del', this.netns]);
    // The namespace (and the veth in it) goes when its last process has gone; the host's end is removed
    // at once, which takes its peer along.
    quietly('ip', ['link', 'del', this.hostDevice]);
  }

  /** Writes the drop rate (parts per million) into the map of the program attached above. */
  private setLossRate(ppm: number): void {
    const filters = JSON.parse(run('tc', ['-n', this.netns, '-j', 'filter', 'show', 'dev', this.namespaceDevice, 'ingress'])) as {
      options?: { prog?: { id?: number } };
    }[];
    const progId = filters.map((f) => f.options?.prog?.id).find((id) => id !== undefined);
    if (progId === undefined) throw new Error(`no BPF program attached to ${this.namespaceDevice} ingress in ${this.netns}`);
    const prog = JSON.parse(run('bpftool', ['-j', 'prog', 'show', 'id', String(progId)])) as { map_ids?: number[] };
    const maps = (prog.map_ids ?? []).map((id) => JSON.parse(run('bpftool', ['-j', 'map', 'show', 'id', String(id)])) as { id: number; name?: string });
    const rateMap = maps.find((m) => m.name === 'ks_loss_ppm');
    if (!rateMap) throw new Error(`BPF program ${progId} has no ks_loss_ppm map (is ${lossObject} current?)`);
    const value = Buffer.alloc(4);
    value.writeUInt32LE(ppm);
    run('bpftool', ['map', 'update', 'id', String(rateMap.id), 'key', 'hex', '00', '00', '00', '00', 'value', 'hex', ...[...value].map((b) => b.toString(16).padStart(2, '0'))]);
  }
}
