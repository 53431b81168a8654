import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFibTrieLocal, parseIfInet6, parseListeners, ServiceResolver } from './identity.js';

describe('parseListeners', () => {
  it('reads listening sockets from /proc/net/tcp and tcp6 tables', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1B59 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:1B59 0100007F:D4F2 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 20 4 30 10 -1',
      '   2: 00000000000000000000000001000000:1B5A 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1',
    ].join('\n');
    expect([...parseListeners(table)]).toEqual([
      [4242, 7001],
      [4444, 7002],
    ]);
  });
});

describe('ServiceResolver (real /proc)', () => {
  it('names a listening process by its name and port, and a local address by its owner', async () => {
    const child = spawn(
      process.execPath,
      ['-e', `process.title='ks-ident'; const s=require('net').createServer().listen(0,'127.0.0.1',()=>process.stdout.write(s.address().port+'\\n'))`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const port = Number(line.toString().trim());
      const pid = child.pid ?? -1;
      const resolver = new ServiceResolver({ minRefreshMs: 0 });
      expect(resolver.serviceOfPid(pid, 'ignored')).toEqual({ kind: 'service', name: `ks-ident:${port}` });
      expect(resolver.serverAt('127.0.0.1', port)).toEqual({ kind: 'service', name: `ks-ident:${port}` });
      expect(resolver.serverAt('192.0.2.10', port)).toEqual({ kind: 'external', address: `192.0.2.10:${port}` });
      expect(resolver.serviceOfPid(process.pid, 'fallback').kind).toBe('service');
    } finally {
      child.kill();
    }
  });

  it('falls back to the kernel comm for a process that already exited', () => {
    const resolver = new ServiceResolver({ procRoot: '/nonexistent-proc', minRefreshMs: 0 });
    expect(resolver.serviceOfPid(999_999, 'loadgen')).toEqual({ kind: 'service', name: 'loadgen' });
    expect(resolver.isLocalAddress('127.0.0.9')).toBe(true);
    expect(resolver.isLocalAddress('::1')).toBe(true);
    expect(resolver.isLocalAddress('198.51.100.7')).toBe(false);
  });
});

const FIB_TRIE = (address: string) => `Main:
  +-- 0.0.0.0/0 3 0 5
     +-- 10.204.1.0/30 2 0 1
        |-- 10.204.1.0
           /30 link UNICAST
        |-- ${address}
           /32 host LOCAL
        |-- 10.204.1.3
           /32 link BROADCAST
     +-- 127.0.0.0/8 2 0 2
        |-- 127.0.0.1
           /32 host LOCAL
`;

describe('network namespaces', () => {
  it('reads the addresses a namespace owns from fib_trie and if_inet6', () => {
    expect(parseFibTrieLocal(FIB_TRIE('10.204.1.2'))).toEqual(['10.204.1.2', '127.0.0.1']);
    const inet6 = ['00000000000000000000000000000001 01 80 10 80       lo', 'fd000000000000000000000000000002 04 40 00 82     eth0', 'garbage'].join('\n');
    expect(parseIfInet6(inet6)).toEqual(['::1', 'fd00::2']);
  });

  /**
   * A /proc with two namespaces: the agent's (100: `gateway` on 7101, `other` on 7103, address 10.204.1.1)
   * and one joined by a veth (200: `product` on 7102 at 10.204.1.2, `inventory` on its own loopback 7103).
   */
  function fakeProc(): string {
    const root = mkdtempSync(join(tmpdir(), 'ks-ident-'));
    const tcp = (inode: number, port: number) =>
      `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n` +
      `   0: 00000000:${port.toString(16).toUpperCase()} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1\n`;
    const procs = [
      { pid: 10, comm: 'gateway', netns: 100, inode: 1001, port: 7101, address: '10.204.1.1' },
      { pid: 11, comm: 'other', netns: 100, inode: 1003, port: 7103, address: '10.204.1.1' },
      { pid: 20, comm: 'product', netns: 200, inode: 2002, port: 7102, address: '10.204.1.2' },
      { pid: 21, comm: 'inventory', netns: 200, inode: 2003, port: 7103, address: '10.204.1.2' },
    ];
    mkdirSync(join(root, 'self', 'ns'), { recursive: true });
    symlinkSync('net:[100]', join(root, 'self', 'ns', 'net'));
    for (const p of procs) {
      const dir = join(root, String(p.pid));
      for (const sub of ['fd', 'ns', 'net']) mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, 'comm'), `${p.comm}\n`);
      symlinkSync(`socket:[${p.inode}]`, join(dir, 'fd', '3'));
      symlinkSync(`net:[${p.netns}]`, join(dir, 'ns', 'net'));
      // Each namespace's table lists every listener of that namespace.
      const mates = procs.filter((q) => q.netns === p.netns);
      writeFileSync(join(dir, 'net', 'tcp'), mates.map((q) => tcp(q.inode, q.port)).join(''));
      writeFileSync(join(dir, 'net', 'fib_trie'), FIB_TRIE(p.address));
    }
    return root;
  }

  it('holds a process first seen between two scans only until the next scan, which gives it its port', () => {
    const root = fakeProc();
    try {
      let now = 0;
      const resolver = new ServiceResolver({ procRoot: root, minRefreshMs: 1_000, now: () => now });
      resolver.refresh();
      // A service that starts listening right after that scan, and is seen before the next one may run.
      const dir = join(root, '30');
      for (const sub of ['fd', 'ns', 'net']) mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, 'comm'), 'late\n');
      symlinkSync('socket:[3005]', join(dir, 'fd', '3'));
      symlinkSync('net:[100]', join(dir, 'ns', 'net'));
      const listener = '   9: 00000000:1BC1 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3005 1\n';
      for (const pid of ['10', '11', '30']) writeFileSync(join(root, pid, 'net', 'tcp'), listener, { flag: 'a' });
      now = 500;
      expect(resolver.serviceOfPid(30, 'late')).toEqual({ kind: 'service', name: 'late' });
      // Until that scan, its later calls do not read /proc again (once per call was ~10k reads/s for one
      // new client at 10k req/s): a renamed comm shows only after the scan.
      writeFileSync(join(dir, 'comm'), 'renamed\n');
      now = 900;
      expect(resolver.serviceOfPid(30, 'late')).toEqual({ kind: 'service', name: 'late' });
      now = 1_500;
      expect(resolver.serviceOfPid(30, 'late')).toEqual({ kind: 'service', name: 'renamed:7105' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('rescans for a local peer nobody listens on at most every 30 s, however often it is asked', () => {
    const root = fakeProc();
    try {
      let now = 0;
      const resolver = new ServiceResolver({ procRoot: root, minRefreshMs: 1_000, now: () => now });
      expect(resolver.serverAt('127.0.0.1', 7105, 100)).toEqual({ kind: 'external', address: '127.0.0.1:7105' });
      // Someone starts listening there; asking again within 30 s does not scan /proc for it.
      const dir = join(root, '30');
      for (const sub of ['fd', 'ns', 'net']) mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, 'comm'), 'late\n');
      symlinkSync('socket:[3005]', join(dir, 'fd', '3'));
      symlinkSync('net:[100]', join(dir, 'ns', 'net'));
      const listener = '   9: 00000000:1BC1 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3005 1\n';
      for (const pid of ['10', '11', '30']) writeFileSync(join(root, pid, 'net', 'tcp'), listener, { flag: 'a' });
      now = 5_000;
      expect(resolver.serverAt('127.0.0.1', 7105, 100)).toEqual({ kind: 'external', address: '127.0.0.1:7105' });
      now = 30_001;
      expect(resolver.serverAt('127.0.0.1', 7105, 100)).toEqual({ kind: 'service', name: 'late:7105' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('names listeners of every namespace, by the owner of an address and by the caller\'s own loopback', () => {
    const root = fakeProc();
    try {
      const resolver = new ServiceResolver({ procRoot: root, minRefreshMs: 0 });
      // Namespaces are learned on a refresh (a new process, a missed port), like the agent's own listeners.
      expect(resolver.isLocalAddress('10.204.1.2')).toBe(false);
      resolver.refresh();
      expect(resolver.serverAt('10.204.1.2', 7102, 100)).toEqual({ kind: 'service', name: 'product:7102' });
      expect(resolver.serverAt('127.0.0.1', 7103, 200)).toEqual({ kind: 'service', name: 'inventory:7103' });
      expect(resolver.serverAt('127.0.0.1', 7103, 100)).toEqual({ kind: 'service', name: 'other:7103' });
      // Without the caller's namespace, loopback is the agent's own, as before.
      expect(resolver.serverAt('127.0.0.1', 7103)).toEqual({ kind: 'service', name: 'other:7103' });
      expect(resolver.serverAt('10.204.1.1', 7101, 200)).toEqual({ kind: 'service', name: 'gateway:7101' });
      // A port the owning namespace does not listen on is not borrowed from another namespace.
      expect(resolver.serverAt('10.204.1.2', 7101, 100)).toEqual({ kind: 'external', address: '10.204.1.2:7101' });
      expect(resolver.serverAt('10.204.9.9', 7102, 100)).toEqual({ kind: 'external', address: '10.204.9.9:7102' });
      expect(resolver.serviceOfPid(20, 'ignored')).toEqual({ kind: 'service', name: 'product:7102' });
      // Both ends of the veth are on this node: a call between them is counted once, from its client.
      expect(resolver.isLocalAddress('10.204.1.1')).toBe(true);
      expect(resolver.isLocalAddress('10.204.1.2')).toBe(true);
      expect(resolver.isLocalAddress('::ffff:10.204.1.2')).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
