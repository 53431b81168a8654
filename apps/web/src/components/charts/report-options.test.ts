import { describe, expect, it } from 'vitest';
import { latencyOption, networkResponseOption, resourceOption, type ChartLine, type NetworkResponseLines } from './report-options.js';

const T = 1_700_000_000_000;
const incident = { from: T + 20_000, to: T + 40_000 };
const at = (...values: Array<number | null>) => values.map((value, i) => ({ ts: T + i * 10_000, value }));

function seriesOf(option: ReturnType<typeof networkResponseOption>) {
  const series = option.series;
  if (!Array.isArray(series)) throw new Error('expected an array of series');
  return series;
}

const lines: NetworkResponseLines = {
  response: { name: 'Response time p95', points: at(20, 21, 240, null), baseline: 20.5 },
  retransmits: { name: 'Retransmits', points: at(0, 1, 30, 0) },
  srtt: { name: 'RTT', points: at(0.4, 0.4, 0.5, null) },
};

describe('networkResponseOption', () => {
  it('puts response time and RTT on the ms axis and retransmits on a second axis, with the normal level dashed', () => {
    const option = networkResponseOption(lines, incident);
    expect(seriesOf(option).map((s) => ({ name: s.name, yAxisIndex: 'yAxisIndex' in s ? s.yAxisIndex : undefined, data: s.data }))).toEqual([
      { name: 'Response time p95', yAxisIndex: 0, data: [[T, 20], [T + 10_000, 21], [T + 20_000, 240], [T + 30_000, null]] },
      { name: 'Retransmits', yAxisIndex: 1, data: [[T, 0], [T + 10_000, 1], [T + 20_000, 30], [T + 30_000, 0]] },
      { name: 'RTT', yAxisIndex: 0, data: [[T, 0.4], [T + 10_000, 0.4], [T + 20_000, 0.5], [T + 30_000, null]] },
      { name: 'usual', yAxisIndex: 0, data: [[T, 20.5], [T + 30_000, 20.5]] },
    ]);
    expect(option.yAxis).toMatchObject([{ name: 'ms', position: 'left', min: 0 }, { name: 'retransmits', position: 'right', min: 0 }]);
    expect(option.xAxis).toMatchObject({ type: 'time' });
    expect(option.animation).toBe(false);
  });

  it('shades the incident window on the first series', () => {
    const first = seriesOf(networkResponseOption(lines, incident))[0];
    expect(first && 'markArea' in first ? first.markArea?.data : undefined).toEqual([[{ xAxis: T + 20_000 }, { xAxis: T + 40_000 }]]);
  });

  it('leaves out what is missing: no retransmits, an RTT without values, no baseline', () => {
    const series = seriesOf(networkResponseOption({ response: { name: 'Response time mean', points: at(1, 2) }, retransmits: null, srtt: { name: 'RTT', points: at(null, null) } }, incident));
    expect(series.map((s) => s.name)).toEqual(['Response time mean']);
  });
});

describe('latencyOption', () => {
  it('draws every line, rounds float noise, and gives the first its band and baseline', () => {
    const latency: ChartLine[] = [
      { name: 'p99', points: at(30, null), baseline: 25 },
      { name: 'mean', points: at(10, 0.1 + 0.2) },
    ];
    const series = seriesOf(latencyOption(latency, incident));
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['p99', [[T, 30], [T + 10_000, null]]],
      ['mean', [[T, 10], [T + 10_000, 0.3]]],
      ['usual', [[T, 25], [T + 10_000, 25]]],
    ]);
    expect(series[0] && 'markArea' in series[0]).toBe(true);
    expect(series[1] && 'markArea' in series[1]).toBe(false);
  });

  it('has no series for no lines', () => {
    expect(seriesOf(latencyOption([], incident))).toEqual([]);
  });
});

describe('resourceOption', () => {
  it('draws CPU in cores and memory in MiB on two axes', () => {
    const option = resourceOption({ cpu: { name: 'CPU', points: at(0.5, 0) }, memory: { name: 'Memory', points: at(256 * 1024 * 1024, null) } }, incident);
    expect(seriesOf(option).map((s) => [s.name, s.data])).toEqual([
      ['CPU', [[T, 0.5], [T + 10_000, 0]]],
      ['Memory', [[T, 256], [T + 10_000, null]]],
    ]);
    expect(option.yAxis).toMatchObject([{ name: 'cores' }, { name: 'MiB' }]);
  });

  it('bands the memory line when there is no CPU line', () => {
    const series = seriesOf(resourceOption({ cpu: null, memory: { name: 'Memory', points: at(1) } }, incident));
    expect(series.map((s) => [s.name, 'markArea' in s])).toEqual([['Memory', true]]);
  });
});
