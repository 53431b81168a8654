import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalizerRegistry } from '../localize/index.js';
import { evaluateLocalization } from './localization.js';
import { findAdapter } from './registry.js';
import { rsLeaves } from './riskloc-rs.js';
import { microScore, parseRootCauseSet, scoreCase } from './score.js';
import { squeezeCases } from './squeeze.js';

const SQUEEZE_B0 = resolve(import.meta.dirname, '../../../../../shared/datasets/squeeze-B0');

describe('scoring', () => {
  it('matches elements exactly, whatever the attribute order', () => {
    const truth = parseRootCauseSet('b=b2&a=a1;c=c3;c=c3');
    expect(truth).toEqual(['a=a1&b=b2', 'c=c3']);
    expect(scoreCase(['a=a1&b=b2', 'a=a1'], truth)).toEqual({ tp: 1, fp: 1, fn: 1 });
    expect(microScore([{ tp: 1, fp: 1, fn: 1 }, { tp: 2, fp: 0, fn: 0 }])).toEqual({ precision: 0.75, recall: 0.75, f1: 0.75 });
  });
});

describe('riskloc-RS layout', () => {
  it('forecasts each leaf from the 4 minutes before the anomaly, on the complement ratio', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rs-'));
    mkdirSync(join(dir, 'data'));
    const rows = ['min,cdn,value,cnt', '0,1,1,10', '60,1,3,10', '120,1,1,10', '180,1,3,10', '240,1,5,10', '240,2,0,4', '300,1,9,9'];
    writeFileSync(join(dir, 'data', 'c.csv'), rows.join('\n'));
    writeFileSync(join(dir, 'labels.csv'), 'file,timestamp,root_cause\nc.csv,240,cdn=1\n');
    expect(findAdapter(dir)?.name).toBe('riskloc-rs');
    expect(rsLeaves(join(dir, 'data', 'c.csv'), 240)).toEqual([
      { attributes: new Map([['cdn', '1']]), actual: 0.5, forecast: 0.8, ratio: { numerator: { actual: 5, forecast: 8 }, denominator: { actual: 10, forecast: 10 } } },
      { attributes: new Map([['cdn', '2']]), actual: 1, forecast: 0, ratio: { numerator: { actual: 4, forecast: 0 }, denominator: { actual: 4, forecast: 0 } } },
    ]);
  });
});

// Reads 27 dataset files and runs three localizers: seconds on a quiet machine, more on a shared 2-core one.
describe('squeeze-B0, first case of every setting', { timeout: 60_000 }, () => {
  it('reaches the measured F1 for default, riskloc and adtributor', async () => {
    // The dataset ships in shared/ beside the repository; without it this test must fail, not skip.
    expect(existsSync(SQUEEZE_B0), `${SQUEEZE_B0} is missing; lay out shared/datasets beside the repository`).toBe(true);
    const adapter = findAdapter(SQUEEZE_B0);
    expect(adapter?.name).toBe('squeeze');
    const registry = createLocalizerRegistry();
    const settings = ['1_1', '1_2', '1_3', '2_1', '2_2', '2_3', '3_1', '3_2', '3_3'].map((s) => {
      const [layer, n] = s.split('_');
      return join(SQUEEZE_B0, `B_cuboid_layer_${layer}_n_ele_${n}`);
    });
    // one pseudo-setting so each method gets one micro score over the 9 cases
    const cases = [...squeezeCases('squeeze-B0', settings, 1)].map((c) => ({ ...c, setting: 'first-of-each' }));
    const summaries: Record<string, number> = {};
    for await (const line of evaluateLocalization(cases, registry.names().map((n) => registry.get(n)))) {
      if (!('case' in line)) summaries[String(line.method)] = Number(line.f1);
    }
    expect(summaries).toEqual({ default: 1, riskloc: 0.9714, adtributor: 0.1778 });
  });
});
