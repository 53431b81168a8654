import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The tc/BPF loss injector (bpf/test/ks_tc_drop.bpf.c): drops ~10 % of IPv4 packets where it is attached. */
export const tcDropObject = fileURLToPath(new URL('../../../../bpf/.output/test/ks_tc_drop.bpf.o', import.meta.url));

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * Two network namespaces joined by a veth pair: `client` (10.203.<n>.1) and `server` (10.203.<n>.2).
 * Only addresses inside our own namespaces are used; `destroy()` removes both (and with them the veth
 * and any qdisc) and is safe to call on a half-built pair.
 */
export class NetnsPair {
  readonly client: string;
  readonly server: string;
  readonly clientAddr: string;
  readonly serverAddr: string;
  /** an address on the link that nobody answers: SYNs to it go unanswered (a black hole) */
  readonly silentAddr: string;

  constructor(tag: string, subnet: number) {
    this.client = `ks-${tag}-c`;
    this.server = `ks-${tag}-s`;
    this.clientAddr = `10.203.${subnet}.1`;
    this.serverAddr = `10.203.${subnet}.2`;
    this.silentAddr = `10.203.${subnet}.99`;
  }

  create(): void {
    this.destroy();
    ip('netns', 'add', this.client);
    ip('netns', 'add', this.server);
    ip('-n', this.client, 'link', 'add', 'ksveth0', 'type', 'veth', 'peer', 'name', 'ksveth1', 'netns', this.server);
    for (const [ns, addr, dev] of [
      [this.client, this.clientAddr, 'ksveth0'],
      [this.server, this.serverAddr, 'ksveth1'],
    ] as const) {
      ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', dev);
      ip('-n', ns, 'link', 'set', dev, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
  }

  /** Attaches the drop program to the server's ingress: the client's segments get lost, the client retransmits. */
  dropOnServerIngress(): void {
    execFileSync('tc', ['-n', this.server, 'qdisc', 'add', 'dev', 'ksveth1', 'clsact']);
    execFileSync('tc', ['-n', this.server, 'filter', 'add', 'dev', 'ksveth1', 'ingress', 'bpf', 'da', 'obj', tcDropObject, 'sec', 'tc']);
  }

  /** The kernel's own TcpRetransSegs counter of a namespace, read with nstat (absolute, history untouched). */
  retransSegs(ns: string): number {
    const out = execFileSync('ip', ['netns', 'exec', ns, 'nstat', '-asz', 'TcpRetransSegs'], { encoding: 'utf8' });
    const m = /^TcpRetransSegs\s+(\d+)/m.exec(out);
    if (!m?.[1]) throw new Error(`nstat in ${ns} printed no TcpRetransSegs: ${out}`);
    return Number(m[1]);
  }

  destroy(): void {
    for (const ns of [this.client, this.server]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // absent already
      }
    }
  }
}
