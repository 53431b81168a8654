import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type EvalLine, SERVICE_DATASETS } from './index.js';

/**
 * Small fixed subsets of the public datasets (symlinked into a temp folder), scored exactly.
 * The datasets live beside the repo (../shared/datasets); a missing copy fails the test.
 */
const DATASETS = process.env.KINSIGHT_DATASETS ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../../../shared/datasets');
const scratch = mkdtempSync(join(tmpdir(), 'rca-service-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let subsets = 0;
function subset(name: string, entries: readonly string[]): string {
  const dir = join(scratch, `${name}-${subsets++}`);
  mkdirSync(dir);
  for (const e of entries) symlinkSync(join(DATASETS, name, e), join(dir, e));
  return dir;
}

async function summaries(folder: string): Promise<EvalLine[]> {
  const ds = SERVICE_DATASETS.find((d) => d.recognises(folder));
  if (!ds) throw new Error(`no service dataset recognises ${folder}`);
  const out: EvalLine[] = [];
  for await (const line of ds.evaluate(folder)) if (!('case' in line)) out.push(line);
  return out;
}

const pick = (lines: EvalLine[], setting: string, method: string) => lines.find((l) => l.setting === setting && l.method === method);

describe('service-level datasets (fixed subsets)', () => {
  it('sockshop-rcd: carts cpu/mem and user mem, ranked and classified', async () => {
    const lines = await summaries(subset('sockshop-rcd', ['carts-cpu', 'carts-mem', 'user-mem']));
    expect(pick(lines, 'all', 'default')).toEqual({ dataset: 'sockshop-rcd', setting: 'all', method: 'default', cases: 9, ac1: 1, ac3: 1, avg5: 1, fault_class_acc: 1 });
    expect(pick(lines, 'all', 'nsigma')).toMatchObject({ cases: 9, ac1: 1 });
  });

  it('sockshop-rcd: payment, whose 8 MB container doubles its memory under CPU stress too', async () => {
    // the memory node fires at 2× the usual level (fixed a priori); payment-cpu reaches 2.2×, so its
    // three CPU cases are called memory — the known cost of not fitting the threshold to the data
    const lines = await summaries(subset('sockshop-rcd', ['payment-cpu', 'payment-mem']));
    expect(pick(lines, 'all', 'default')).toEqual({ dataset: 'sockshop-rcd', setting: 'all', method: 'default', cases: 6, ac1: 1, ac3: 1, avg5: 1, fault_class_acc: 0.5 });
  });

  it('nezha: the Online Boutique day', async () => {
    const lines = await summaries(subset('nezha', ['labels.csv', '2022-08-22']));
    expect(pick(lines, 'OB', 'default')).toEqual({ dataset: 'nezha', setting: 'OB', method: 'default', cases: 24, ac1: 0.625, ac3: 0.875, avg5: 0.8167, fault_class_acc: 0.625 });
    expect(pick(lines, 'OB', 'nsigma')).toMatchObject({ cases: 24, ac1: 0.4167 });
  });

  it('petshop: the low-traffic scenario', async () => {
    const lines = await summaries(subset('petshop', ['low_traffic']));
    expect(pick(lines, 'low_traffic/latency', 'default')).toMatchObject({ cases: 4, ac1: 1, ac3: 1 });
    // the load balancer in front of PetSearch (`…_remote`) is folded into its instrumented sibling
    expect(pick(lines, 'low_traffic/availability', 'default')).toEqual({ dataset: 'petshop', setting: 'low_traffic/availability', method: 'default', cases: 4, ac1: 0.75, ac3: 0.75, avg5: 0.75 });
    expect(pick(lines, 'all', 'default')).toMatchObject({ cases: 8, ac1: 0.875, ac3: 0.875 });
  });
});
