import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MetricWindows, type RcaTopology } from '../../demarcate/model.js';
import { readCsv } from '../csv.js';
import type { ServiceCase } from './run.js';

/**
 * sockshop-rcd (RCD, NeurIPS'22): `<svc>-<fault>/<rep>/{normal,anomalous}.csv`, columns `<container>_<cpu|mem|lod|lat_50|90|99>`.
 * The data has no call graph, so the front-end is taken to call every service and each `<svc>-db`
 * is called by `<svc>` (Sock Shop's naming); services are scored on every signal (symptom `any`).
 * As RCAEval does, a `-db` container counts as its service.
 */
const METRIC_NAMES: Record<string, string> = { cpu: 'cpu', mem: 'memory', lod: 'requests', lat_50: 'latency_p50', lat_90: 'latency_p90', lat_99: 'latency_p99' };
const ENTRY = 'front-end';

export function isSockshop(folder: string): boolean {
  return readdirSync(folder).some((d) => /^[a-z-]+-(cpu|mem)$/.test(d) && existsSync(join(folder, d)) && statSync(join(folder, d)).isDirectory());
}

function splitColumn(column: string): { container: string; metric: string } | null {
  for (const suffix of Object.keys(METRIC_NAMES)) {
    if (column.endsWith(`_${suffix}`)) return { container: column.slice(0, -suffix.length - 1), metric: METRIC_NAMES[suffix] ?? suffix };
  }
  return null;
}

export async function* sockshopCases(folder: string): AsyncIterable<ServiceCase | { dataset: string; setting: string; case: string; error: string }> {
  const dataset = 'sockshop-rcd';
  for (const dir of readdirSync(folder).sort()) {
    const m = /^(.+)-(cpu|mem)$/.exec(dir);
    if (!m || !statSync(join(folder, dir)).isDirectory()) continue;
    const [, service = '', fault = ''] = m;
    for (const rep of readdirSync(join(folder, dir)).sort()) {
      const caseId = `${dir}-${rep}`;
      try {
        const normal = readCsv(join(folder, dir, rep, 'normal.csv'));
        const anomalous = readCsv(join(folder, dir, rep, 'anomalous.csv'));
        const metrics = new MetricWindows();
        const serviceMetrics = new Map<string, string[]>();
        const containers = new Set<string>();
        normal.header.forEach((column, i) => {
          const parsed = splitColumn(column);
          const j = anomalous.header.indexOf(column);
          if (!parsed || j < 0) return;
          containers.add(parsed.container);
          metrics.set({ kind: 'service', entity: parsed.container, metric: parsed.metric }, {
            baseline: normal.rows.map((r) => Number(r[i])).filter(Number.isFinite),
            window: anomalous.rows.map((r) => Number(r[j])).filter(Number.isFinite),
          });
          serviceMetrics.set(parsed.container, [...(serviceMetrics.get(parsed.container) ?? []), parsed.metric]);
        });
        const services = [...containers].sort();
        const calls = services.filter((s) => s !== ENTRY && !s.endsWith('-db')).map((to) => ({ from: ENTRY, to }));
        for (const s of services) if (s.endsWith('-db') && containers.has(s.slice(0, -3))) calls.push({ from: s.slice(0, -3), to: s });
        const topology: RcaTopology = { services, machines: [], calls, runsOn: [] };
        yield {
          dataset, setting: 'all', case: caseId, topology, metrics, serviceMetrics, entry: ENTRY, symptom: 'any',
          candidates: services, labelOf: (e) => e.replace(/-db$/, ''), truth: { service, faultClass: fault },
          classOf: (c) => (c === 'resource_cpu' ? 'cpu' : c === 'resource_memory' ? 'mem' : null),
        };
      } catch (err) {
        yield { dataset, setting: 'all', case: caseId, error: `read ${join(dir, rep)}: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
  }
}
