import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeWatch } from './watch.js';

/**
 * A kube-apiserver stand-in over HTTPS answering with responses recorded from a real one (../shared/k8s/recorded):
 * the pod and service lists, a watch answered first with the recorded 410 "too old resource version" (the
 * informer must relist), then with the recorded watch stream (ADDED / MODIFIED wire-pod, held open until the test
 * releases the DELETED event and the BOOKMARK).
 */
const recorded = new URL('../../../../../shared/k8s/recorded/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, recorded), 'utf8');
const watchEvents = read('pod-watch-raw.txt')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line.startsWith('{'));

interface FakeApiserver {
  url: string;
  lists: { pods: number; services: number };
  watches: number;
  release: () => void;
  close: () => Promise<void>;
}

async function startFakeApiserver(): Promise<FakeApiserver> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keySize: 2048 });
  const lists = { pods: 0, services: 0 };
  let watches = 0;
  const held: ServerResponse[] = [];
  const stream = (res: ServerResponse, lines: string[]) => {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    for (const line of lines) res.write(`${line}\n`);
  };
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://apiserver');
    const watching = url.searchParams.get('watch') === 'true';
    if (url.pathname === '/api/v1/pods' && !watching) {
      lists.pods += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(read('api_v1_pods.list.json'));
    } else if (url.pathname === '/api/v1/services' && !watching) {
      lists.services += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(read('api_v1_services.list.json'));
    } else if (url.pathname === '/api/v1/pods') {
      watches += 1;
      if (watches === 1) {
        stream(res, [read('watch-410.json').trim()]);
        res.end();
      } else {
        stream(res, watchEvents.slice(0, 2));
        held.push(res);
      }
    } else if (url.pathname === '/api/v1/services') {
      stream(res, []);
      held.push(res);
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    lists,
    get watches() {
      return watches;
    },
    release: () => {
      for (const res of held) if (res.req.url?.startsWith('/api/v1/pods')) for (const line of watchEvents.slice(2)) res.write(`${line}\n`);
    },
    close: async () => {
      for (const res of held) res.end();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('KubeWatch against recorded apiserver responses', () => {
  let apiserver: FakeApiserver;
  let dir: string;
  let kubeconfig: string;

  beforeAll(async () => {
    apiserver = await startFakeApiserver();
    dir = mkdtempSync(join(tmpdir(), 'kinsight-kube-'));
    kubeconfig = join(dir, 'config');
    // client-node refuses plain http; a self-signed test server needs insecure-skip-tls-verify.
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: test, cluster: {server: "' + apiserver.url + '", insecure-skip-tls-verify: true}}]',
        'users: [{name: test, user: {token: test-token}}]',
        'contexts: [{name: test, context: {cluster: test, user: test}}]',
        'current-context: test',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await apiserver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists, relists after a 410, then follows ADDED and DELETED events', async () => {
    const watch = new KubeWatch({ kubeconfig, log: pino({ level: 'silent' }), backoffMs: 50 });
    try {
      await watch.start();
      expect(watch.index.identityAt('10.244.1.11')?.name).toBe('checkout.shop');
      expect(watch.index.identityAt('10.96.30.151')?.name).toBe('checkout.shop');
      // The recorded 410 makes client-node relist before it watches again.
      await until('the relist after 410', () => apiserver.lists.pods >= 2 && apiserver.watches >= 2);
      await until('wire-pod ADDED', () => watch.index.podOf({ containerId: null, podUid: '5f7ee556-f9ed-44f8-91ee-065680c93beb' }) !== null);
      expect(watch.index.podCount).toBe(3);
      apiserver.release();
      await until('wire-pod DELETED', () => watch.index.podCount === 2);
    } finally {
      await watch.stop();
    }
  });

  it('names the failing step when the apiserver cannot be reached', async () => {
    const unreachable = join(dir, 'unreachable');
    writeFileSync(unreachable, readFileSync(kubeconfig, 'utf8').replace(apiserver.url, 'https://127.0.0.1:1'));
    const watch = new KubeWatch({ kubeconfig: unreachable, log: pino({ level: 'silent' }), backoffMs: 10_000 });
    await expect(watch.start()).rejects.toThrow(/kubernetes: list (pods|services)/);
    await watch.stop();
  });

  it('refuses a kubeconfig without a cluster with a clear message', () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
    const watch = new KubeWatch({ kubeconfig: empty, log: pino({ level: 'silent' }) });
    return expect(watch.start()).rejects.toThrow(/no cluster in the kubeconfig/);
  });
});
