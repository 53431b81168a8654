import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MetricWindows, type RcaTopology, type Symptom } from '../../demarcate/model.js';
import { median } from '../../detect/robust.js';
import { parseCsvLine } from '../csv.js';
import type { ServiceCase } from './run.js';

/**
 * PetShop (CLeaR'24): `<scenario>/graph.csv` (adjacency matrix, row calls column),
 * `<scenario>/noissue/metrics.csv` (normal history, absent for the temporal scenarios) and
 * `<scenario>/{train,test}/issue_<i>/{metrics.csv,target.json}`. metrics.csv has three header rows
 * (microservice, metric, statistic), then rows indexed by unix time (300 s). We read the Average of
 * latency and availability and the Sum of requests. The baseline is the normal history re-anchored to
 * the level of the issue file's rows before the target time (see `reanchor`); without a history, those
 * rows alone.
 */
const targetSchema = z.object({
  target: z.object({ node: z.string(), metric: z.string(), timestamp: z.number() }),
  root_cause: z.object({ node: z.string() }),
});

interface Wide {
  t: number[];
  /** `<node>|<metric>|<statistic>` → column values */
  columns: Map<string, number[]>;
}

function readWide(path: string): Wide {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const [nodes, metrics, stats, , ...rows] = lines.map(parseCsvLine);
  if (!nodes || !metrics || !stats) throw new Error(`${path}: expected three header rows (microservice, metric, statistic)`);
  const t = rows.map((r) => Number(r[0]));
  const columns = new Map<string, number[]>();
  for (let i = 1; i < nodes.length; i++) {
    columns.set(`${nodes[i]}|${metrics[i]}|${stats[i]}`, rows.map((r) => (r[i] === undefined || r[i] === '' ? Number.NaN : Number(r[i]))));
  }
  return { t, columns };
}

const READ: ReadonlyArray<[string, string, string]> = [
  ['latency', 'Average', 'latency'],
  ['availability', 'Average', 'availability'],
  ['requests', 'Sum', 'requests'],
];

/**
 * The normal history was recorded on other days; some nodes sit at another level in every issue file
 * of a scenario (the Step Functions lambdas run ~3.5 s instead of ~0.5 s, a load balancer answers
 * nothing), which is drift, not the issue. The baseline keeps the history's spread but takes its level
 * from the issue file's rows before the issue: the usual level just before, the usual noise from the
 * long record — as the online detector's recent ring would see it.
 */
function reanchor(history: readonly number[], before: readonly number[]): number[] {
  if (before.length === 0) return [...history];
  const shift = median(before) - median(history);
  return history.map((x) => x + shift);
}

export function isPetshop(folder: string): boolean {
  return readdirSync(folder).some((d) => existsSync(join(folder, d, 'graph.csv')));
}

function readGraph(path: string): RcaTopology {
  const rows = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.length > 0).map(parseCsvLine);
  const [head, ...body] = rows;
  const names = (head ?? []).slice(1);
  const calls: Array<{ from: string; to: string }> = [];
  for (const r of body) {
    const from = r[0] ?? '';
    r.slice(1).forEach((cell, j) => {
      const to = names[j];
      if (to !== undefined && Number(cell) > 0 && to !== from) calls.push({ from, to });
    });
  }
  // X-Ray names a node inferred only from client calls (type "remote": ELBs, hosts) `<name>_remote`.
  return { services: names, machines: [], calls, runsOn: [], external: names.filter((n) => n.endsWith('_remote')) };
}

export async function* petshopCases(folder: string): AsyncIterable<ServiceCase | { dataset: string; setting: string; case: string; error: string }> {
  for (const scenario of readdirSync(folder).sort()) {
    if (!existsSync(join(folder, scenario, 'graph.csv'))) continue;
    const topology = readGraph(join(folder, scenario, 'graph.csv'));
    const normalPath = join(folder, scenario, 'noissue', 'metrics.csv');
    const normal = existsSync(normalPath) ? readWide(normalPath) : null;
    for (const split of ['train', 'test']) {
      const splitDir = join(folder, scenario, split);
      if (!existsSync(splitDir)) continue;
      const issues = readdirSync(splitDir).filter((d) => d.startsWith('issue_')).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
      for (const issue of issues) {
        const caseId = `${scenario}/${split}/${issue}`;
        try {
          const target = targetSchema.parse(JSON.parse(readFileSync(join(splitDir, issue, 'target.json'), 'utf8')));
          const wide = readWide(join(splitDir, issue, 'metrics.csv'));
          const symptom: Symptom = target.target.metric === 'availability' ? 'availability' : 'latency';
          const at = target.target.timestamp;
          const metrics = new MetricWindows();
          const serviceMetrics = new Map<string, string[]>();
          for (const node of topology.services) {
            for (const [metric, stat, name] of READ) {
              const raw = wide.columns.get(`${node}|${metric}|${stat}`);
              if (!raw) continue;
              // availability is a percentage in the files, a share (0–1) in our metric model
              const scale = (v: number[]) => (name === 'availability' ? v.map((x) => x / 100) : v);
              const values = scale(raw);
              // The issue row is the one whose 5-minute bucket holds the target time.
              const window = values.filter((v, i) => Number.isFinite(v) && (wide.t[i] ?? 0) > at - 300);
              const before = values.filter((v, i) => Number.isFinite(v) && (wide.t[i] ?? 0) <= at - 300);
              const history = scale(normal?.columns.get(`${node}|${metric}|${stat}`)?.filter(Number.isFinite) ?? []);
              const baseline = history.length > 0 ? reanchor(history, before) : before;
              if (window.length === 0 || baseline.length === 0) continue;
              metrics.set({ kind: 'service', entity: node, metric: name }, { baseline, window });
              serviceMetrics.set(node, [...(serviceMetrics.get(node) ?? []), name]);
            }
          }
          yield {
            dataset: 'petshop', setting: `${scenario.replace(/\d+$/, '')}/${symptom}`, case: caseId, topology, metrics, serviceMetrics,
            entry: target.target.node, symptom, candidates: topology.services, truth: { service: target.root_cause.node, faultClass: null }, classOf: () => null,
          };
        } catch (err) {
          yield { dataset: 'petshop', setting: scenario, case: caseId, error: `read ${caseId}: ${err instanceof Error ? err.message : String(err)}` };
        }
      }
    }
  }
}
