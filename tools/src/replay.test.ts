import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runReplay } from './replay.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = resolve(repoRoot, '../shared/corpora');
if (!existsSync(corpus)) throw new Error(`corpus not found at ${corpus}; the replay tests read its captures`);
const pcap = (rel: string): string => join(corpus, rel);

interface TsharkRecord { frame: number; ts: string; dir: string; 'request.method'?: string; 'request.uri'?: string; 'response.code'?: string; time?: string }
const truth = (rel: string): TsharkRecord[] =>
  (JSON.parse(readFileSync(join(corpus, rel.replace('/pcaps/', '/groundtruth/') + '.tshark.json'), 'utf8')) as { records: TsharkRecord[] }).records;

describe('npm run replay', async () => {
  it('prints zeek pipelined-requests as tshark reads it: five GETs, in request order, with its times', async () => {
    const rel = 'http1/pcaps/zeek_http_pipelined-requests.pcap';
    const out = await runReplay(pcap(rel), undefined);
    const lines = out.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // Every line from tshark's records: request frame → ts, method, uri; its response → status, time.
    const records = truth(rel);
    const requests = records.filter((r) => r.dir === 'c2s');
    const responses = records.filter((r) => r.dir === 's2c');
    expect(lines).toEqual(requests.map((r, i) => ({
      proto: 'http1', client: '192.168.1.104:1673', server: '63.245.209.11:80',
      ts: Number(r.ts), latency_ms: Number((Number(responses[i]?.time) * 1000).toFixed(6)),
      req: { method: r['request.method'], path: r['request.uri'], host: 'www.mozilla.org', version: '1.1' },
      resp: { status: Number(responses[i]?.['response.code']), version: '1.1' }, trace: null,
    })));
    expect(out.stdout.split('\n')[0]).toBe(
      '{"proto":"http1","client":"192.168.1.104:1673","server":"63.245.209.11:80","ts":1258577884.844956,"latency_ms":18.034,' +
        '"req":{"method":"GET","path":"/style/enhanced.css","host":"www.mozilla.org","version":"1.1"},"resp":{"status":200,"version":"1.1"},"trace":null}',
    );
    expect(out.stderr).toBe('');
    expect(out.exitCode).toBe(0);
  });

  it('keeps the roles when the capture starts with a response (suricata tcp-stream-after-swap)', async () => {
    const out = await runReplay(pcap('http1/pcaps/suricata_tcp-stream-after-swap_http-start-from-response.pcap'), 'http1');
    // The capture starts inside a response: it is reported on its own (its request was never seen), then the next call.
    expect(out.stdout).toBe(
      '{"proto":"http1","client":"172.16.9.181:38498","server":"172.16.9.189:80","ts":1530696914.69179,"latency_ms":0,' +
        '"req":{"method":null,"path":null,"host":null,"version":null,"from_response":true},"resp":{"status":200,"version":"1.1"},"trace":null}\n' +
        '{"proto":"http1","client":"172.16.9.181:38498","server":"172.16.9.189:80","ts":1530696914.780442,"latency_ms":0.252,' +
        '"req":{"method":"GET","path":"/favicon.ico","host":"172.16.9.189","version":"1.1"},"resp":{"status":404,"version":"1.1"},"trace":null}\n',
    );
  });

  it('reports a stream no parser recognises on stderr and still exits 0', async () => {
    const out = await runReplay(pcap('dns/pcaps/tcpdump_dns-badlabel.pcap'), undefined);
    expect(out).toEqual({
      stdout: '',
      stderr: 'replay: udp 156.118.27.229:500 → 156.118.17.235:53 (conversation 0): no known protocol in the first bytes ' +
        '(client sent nothing; server 1024+ bytes starting c980ffeffb0301fb0301fb0301fb0301)\n',
      exitCode: 0,
    });
  });

  it('exits 1 with a clear message when the file cannot be read as a capture', async () => {
    expect(await runReplay(join(repoRoot, 'package.json'), undefined)).toEqual({
      stdout: '', stderr: `replay: ${join(repoRoot, 'package.json')}: not a pcap or pcapng file (magic 0x7b0a2020); convert it with editcap or tshark -F pcapng\n`, exitCode: 1,
    });
    expect((await runReplay('/nonexistent.pcap', undefined)).stderr).toBe("replay: cannot read /nonexistent.pcap: ENOENT: no such file or directory, open '/nonexistent.pcap'\n");
    expect((await runReplay(pcap('http1/pcaps/zeek_http_get.pcap'), 'http9')).exitCode).toBe(1);
  });

  it('runs as a command: stdout lines, stderr reasons, exit code', async () => {
    const r = spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), ['tools/src/replay.ts', pcap('http1/pcaps/zeek_http_get.pcap')], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe((await runReplay(pcap('http1/pcaps/zeek_http_get.pcap'), undefined)).stdout);
    expect(r.stdout.split('\n').length).toBe(2);
  });
});
