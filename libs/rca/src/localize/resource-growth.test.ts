import { describe, expect, it } from 'vitest';
import { MetricWindows } from '../demarcate/model.js';
import { memoryGrowth, serviceMemoryGrowth, typicalLevel } from './resource-growth.js';

const MB = 1024 * 1024;
const flat = (v: number, n: number): number[] => Array.from({ length: n }, () => v);
const series = (usual: number, peak: number) => ({ baseline: flat(usual, 20), window: [usual, peak, peak] });
/** a system of containers from 15 MB to 730 MB (geometric mean ≈ 130 MB) */
const PEERS = [15, 18, 95, 181, 266, 301, 306, 331, 343, 431, 730].map((mb) => series(mb * MB, mb * MB));

describe('typicalLevel', () => {
  it('is the geometric mean of the positive levels', () => {
    expect(typicalLevel([10, 1000])).toBeCloseTo(100, 9);
    expect(typicalLevel([0, -3, 4])).toBeCloseTo(4, 9);
    expect(typicalLevel([])).toBeNaN();
  });
});

describe('memoryGrowth', () => {
  it('does not call an 8 MB container that gains 10 MB under a CPU hog a memory problem', () => {
    expect(memoryGrowth(series(8 * MB, 18 * MB), [])).toBeGreaterThan(2); // on its own baseline it "doubled"
    expect(memoryGrowth(series(8 * MB, 18 * MB), PEERS)).toBeLessThan(1.1);
  });

  it('calls the same container gaining 220 MB a memory problem', () => {
    expect(memoryGrowth(series(8 * MB, 228 * MB), PEERS)).toBeGreaterThan(2);
  });

  it('is the plain peak / usual ratio for a container at or above the typical size', () => {
    expect(memoryGrowth(series(340 * MB, 1020 * MB), PEERS)).toBeCloseTo(3, 9);
    expect(memoryGrowth(series(340 * MB, 350 * MB), PEERS)).toBeCloseTo(350 / 340, 9);
  });

  it('falls back to the own baseline without peers and is NaN without a usable baseline', () => {
    expect(memoryGrowth(series(8 * MB, 18 * MB), [])).toBeCloseTo(18 / 8, 9);
    expect(memoryGrowth({ baseline: [0, 0], window: [5] }, PEERS)).toBeNaN();
    expect(memoryGrowth({ baseline: [], window: [5] }, PEERS)).toBeNaN();
  });
});

describe('serviceMemoryGrowth', () => {
  it('reads the service against every other service with a memory series', () => {
    const m = new MetricWindows();
    m.set({ kind: 'service', entity: 'payment', metric: 'memory' }, series(8 * MB, 18 * MB));
    m.set({ kind: 'service', entity: 'carts', metric: 'memory' }, series(343 * MB, 343 * MB));
    m.set({ kind: 'service', entity: 'orders', metric: 'memory' }, series(329 * MB, 329 * MB));
    const growth = serviceMemoryGrowth(m, ['payment', 'carts', 'orders', 'front-end'], 'payment');
    expect(growth).toBeCloseTo(1 + (10 * MB) / Math.sqrt(343 * 329 * MB * MB), 9);
    expect(serviceMemoryGrowth(m, ['payment'], 'front-end')).toBeNaN();
  });
});
