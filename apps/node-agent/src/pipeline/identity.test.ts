import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parseListeners, ServiceResolver } from './identity.js';

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
