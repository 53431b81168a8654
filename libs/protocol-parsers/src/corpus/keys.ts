// A port of the key logic of /work/shared/tools/compare_replay.py (the acceptance check): the same keys
// per protocol, counted as multisets per capture, so the in-process test reports the script's numbers.
// Python's str()/upper()/strip() conventions are mirrored where they change a key.
import type { ModuleName } from '../core/protocol.js';

/** Corpus folder → the protocol its ground truth describes (compare_replay.py FOLDER_PROTO). */
export const FOLDER_PROTOCOL: Readonly<Record<string, ModuleName>> = {
  http1: 'http1', dns: 'dns', redis: 'redis', mysql: 'mysql', postgresql: 'pgsql', kafka: 'kafka', 'http2-grpc': 'http2',
};

export type KeyCounts = Map<string, number>;
type Json = Record<string, unknown>;

const DNS_TYPES: Readonly<Record<string, string>> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 35: 'NAPTR', 41: 'OPT', 43: 'DS',
  46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 52: 'TLSA', 64: 'SVCB', 65: 'HTTPS', 255: 'ANY', 257: 'CAA', 44: 'SSHFP', 99: 'SPF',
  250: 'TSIG', 252: 'AXFR', 251: 'IXFR',
};
const DNS_RCODES: Readonly<Record<string, string>> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 6: 'YXDOMAIN', 7: 'YXRRSET', 8: 'NXRRSET',
  9: 'NOTAUTH', 10: 'NOTZONE', 16: 'BADVERS',
};

function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Python's str() for the JSON values the ground truth holds. */
function pyStr(v: unknown): string {
  if (v === undefined || v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Python's int(): an integer string or number, else null (the script skips those). */
function pyInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Math.trunc(v);
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
  return null;
}

export function normSql(q: unknown): string {
  const text = typeof q === 'string' ? q : '';
  return text.replace(/\s+/g, ' ').trim().replace(/;+$/, '').trim();
}

function dnsId(v: unknown): unknown {
  const s = pyStr(v);
  return s.startsWith('0x') ? Number.parseInt(s, 16) : v;
}

function add(k: KeyCounts, ...parts: unknown[]): void {
  const key = JSON.stringify(parts);
  k.set(key, (k.get(key) ?? 0) + 1);
}

const zip = (a: unknown[], b: unknown[]): [unknown, unknown][] => a.slice(0, Math.min(a.length, b.length)).map((x, i) => [x, b[i]]);

/** Keys of tshark's records (`groundtruth/<pcap>.tshark.json` → `records`). */
export function groundTruthKeys(proto: ModuleName, records: readonly Json[]): KeyCounts {
  const k: KeyCounts = new Map();
  for (const r of records) {
    const dir = r['dir'];
    if (proto === 'http1') {
      for (const [m, u] of zip(asList(r['request.method']), asList(r['request.uri']))) add(k, 'req', m, u);
      for (const c of asList(r['response.code'])) add(k, 'status', pyStr(c));
    } else if (proto === 'http2') {
      for (const [m, p] of zip(asList(r['headers.method']), asList(r['headers.path']))) add(k, 'req', m, p);
      for (const s of asList(r['headers.status'])) add(k, 'status', pyStr(s));
    } else if (proto === 'dns') {
      const flag = pyStr(r['flags.response']);
      if (flag === '0') {
        for (const [q, t] of zip(asList(r['qry.name']).slice(0, 1), asList(r['qry.type']).slice(0, 1))) {
          add(k, 'q', dnsId(r['id']), pyStr(q).toLowerCase(), DNS_TYPES[pyStr(t)] ?? pyStr(t));
        }
      } else if (flag === '1') {
        const rcode = pyStr(r['flags.rcode']);
        add(k, 'r', dnsId(r['id'] ?? ''), DNS_RCODES[rcode] ?? rcode);
      }
    } else if (proto === 'redis') {
      if (dir !== 'c2s') continue;
      const vals = asList(r['bulk_string.value']);
      let i = 0;
      for (const raw of asList(r['array.length'])) {
        const n = pyInt(raw);
        if (n === null) continue;
        if (n > 0 && i < vals.length) add(k, 'cmd', pyStr(vals[i]).toUpperCase());
        i += Math.max(n, 0);
      }
    } else if (proto === 'mysql') {
      if (dir === 'c2s') for (const q of asList(r['query'])) add(k, 'sql', normSql(q));
    } else if (proto === 'pgsql') {
      if (dir === 'c2s') {
        for (const q of asList(r['query'])) if (normSql(q)) add(k, 'sql', normSql(q));
      } else {
        for (const c of asList(r['code'])) add(k, 'err', pyStr(c));
      }
    } else if (proto === 'kafka') {
      if (dir !== 'c2s') continue;
      const keys = asList(r['request_key']);
      const versions = asList(r['api_version']);
      const ids = asList(r['correlation_id']);
      for (let i = 0; i < Math.min(keys.length, versions.length, ids.length); i++) {
        add(k, 'req', pyInt(keys[i]), pyInt(versions[i]), pyInt(ids[i]));
      }
    }
  }
  return k;
}

/** Keys of our replay records, as compare_replay.py reads `npm run replay` lines. */
export function replayKeys(proto: ModuleName, lines: readonly Json[]): KeyCounts {
  const k: KeyCounts = new Map();
  for (const t of lines) {
    const req = (t['req'] ?? {}) as Json;
    const resp = (t['resp'] ?? {}) as Json;
    const p = t['proto'];
    if (proto === 'http1' && p === 'http1') {
      add(k, 'req', req['method'] ?? null, req['path'] ?? null);
      if (resp['status'] !== undefined && resp['status'] !== null) add(k, 'status', pyStr(resp['status']));
    } else if (proto === 'http2' && (p === 'http2' || p === 'grpc')) {
      const service = req['service'];
      const path = req['path'] || (service ? `/${pyStr(service)}/${pyStr(req['method'])}` : null);
      add(k, 'req', p === 'http2' ? (req['method'] ?? null) : 'POST', path);
      if (resp['status'] !== undefined && resp['status'] !== null) add(k, 'status', pyStr(resp['status']));
    } else if (proto === 'dns' && p === 'dns') {
      add(k, 'q', req['id'] ?? null, pyStr(req['qname'] ?? '').toLowerCase().replace(/\.+$/, ''), req['qtype'] ?? null);
      if (resp['rcode'] !== undefined && resp['rcode'] !== null) add(k, 'r', req['id'] ?? null, resp['rcode']);
    } else if (proto === 'redis' && p === 'redis') {
      if (req['command']) add(k, 'cmd', pyStr(req['command']).toUpperCase());
    } else if (proto === 'mysql' && p === 'mysql') {
      const command = req['command'] ?? null;
      if (req['sql'] && (command === null || command === 'COM_QUERY' || command === 'COM_STMT_PREPARE')) add(k, 'sql', normSql(req['sql']));
    } else if (proto === 'pgsql' && p === 'pgsql') {
      const type = req['type'] ?? null;
      if (req['sql'] && (type === null || type === 'Query' || type === 'Parse')) add(k, 'sql', normSql(req['sql']));
      if (resp['sqlstate']) add(k, 'err', pyStr(resp['sqlstate']));
    } else if (proto === 'kafka' && p === 'kafka') {
      const key = pyInt(req['api_key']);
      const version = pyInt(req['api_version']);
      const id = pyInt(req['correlation_id']);
      if (key !== null && version !== null && id !== null) add(k, 'req', key, version, id);
    }
  }
  return k;
}

export function total(k: KeyCounts): number {
  let n = 0;
  for (const v of k.values()) n += v;
  return n;
}

/** Size of the multiset intersection (Python's `Counter & Counter`). */
export function matchedCount(a: KeyCounts, b: KeyCounts): number {
  let n = 0;
  for (const [key, v] of a) n += Math.min(v, b.get(key) ?? 0);
  return n;
}

/** Keys of `a` that `b` lacks, with how many are missing. */
export function missingKeys(a: KeyCounts, b: KeyCounts): [string, number][] {
  const out: [string, number][] = [];
  for (const [key, v] of a) {
    const short = v - (b.get(key) ?? 0);
    if (short > 0) out.push([key, short]);
  }
  return out;
}
