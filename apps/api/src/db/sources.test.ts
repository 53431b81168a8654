import { describe, expect, it } from 'vitest';
import { coarsestForStep, sourcePieces } from './sources.js';
import { SERIES } from './series.js';

const edges = SERIES[0];
const H = 3_600_000;
const M = 60_000;
const T = Date.UTC(2025, 0, 1, 0, 0, 0);

describe('sourcePieces', () => {
  it('reads whole hours hourly, whole ten minutes and minutes by those, ragged edges and what is not rolled up yet raw', () => {
    if (!edges) throw new Error('no series');
    const now = T + 5 * H - 11 * M - 30_000; // 04:48:30
    const from = T + 30_000; // 00:00:30
    const to = T + 5 * H; // 05:00
    expect(sourcePieces(edges, from, to, now).map((p) => [p.table, (p.from - T) / 1000, (p.to - T) / 1000])).toEqual([
      ['edge_samples', 30, 60],
      ['edge_samples_1m', 60, 600],
      ['edge_samples_10m', 600, 3600],
      ['edge_samples_1h', 3600, 4 * 3600],
      ['edge_samples_10m', 4 * 3600, 4 * 3600 + 40 * 60],
      ['edge_samples_1m', 4 * 3600 + 40 * 60, 4 * 3600 + 48 * 60],
      // the ragged 30 s before the last rollup and everything after it: one raw scan
      ['edge_samples', 4 * 3600 + 48 * 60, 5 * 3600],
    ]);
  });

  it('reads an unaligned hour (the dashboard default) mostly from ten-minute rollups', () => {
    if (!edges) throw new Error('no series');
    const from = T + 12 * M + 20_000; // 00:12:20
    const to = from + H; // 01:12:20
    expect(sourcePieces(edges, from, to, to + 5 * M).map((p) => [p.table, (p.from - T) / 1000, (p.to - T) / 1000])).toEqual([
      ['edge_samples', 740, 780],
      ['edge_samples_1m', 780, 1200],
      ['edge_samples_10m', 1200, 4200],
      ['edge_samples_1m', 4200, 4320],
      ['edge_samples', 4320, 4340],
    ]);
  });

  it('stays raw for a window after the last rollup run, and when the step needs 10 s', () => {
    if (!edges) throw new Error('no series');
    expect(sourcePieces(edges, T + H - 5 * M, T + H, T + H - 10 * M).map((p) => p.table)).toEqual(['edge_samples']);
    expect(sourcePieces(edges, T, T + 2 * H, 0).map((p) => p.table)).toEqual(['edge_samples']);
    expect(sourcePieces(edges, T, T + 2 * H, T + 3 * H, '10s').map((p) => p.table)).toEqual(['edge_samples']);
  });

  it('picks the coarsest resolution a step allows', () => {
    expect([10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000, 86_400_000].map(coarsestForStep)).toEqual([
      '10s', '10s', '1m', '1m', '10m', '10m', '1h', '1h',
    ]);
  });
});
