/**
 * Pure query result → echarts option functions, one per panel chart. No DOM,
 * no echarts runtime: unit tests assert the exact series the user will see.
 */
import type { ComposeOption } from 'echarts/core';
import type { LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';

export type ChartOption = ComposeOption<
  LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption
>;

/** The fields the charts read from one `metrics.edge` point. */
export interface SeriesPoint {
  ts: number;
  requestRate: number;
  errorRate: number;
  meanLatencyMs: number | null;
}

export const CHART_COLORS = { requests: '#1c7ed6', errors: '#e03131', latency: '#7048e8' } as const;

type Datum = [number, number | null];

/** Float noise (0.1 * 3) would otherwise leak into tooltips. */
const round = (value: number): number => Math.round(value * 1e6) / 1e6;

/** 1, 2 or 5 times a power of ten, at or above `value`; 1 for an all-zero series. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= value) ?? 10;
  return round(step * magnitude);
}

function baseOption(unit: string): ChartOption {
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 28, bottom: 24 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? `${round(v)} ${unit}` : '–') },
    xAxis: { type: 'time', axisLabel: { hideOverlap: true, fontSize: 10 } },
    // Headroom above the peak so a flat series does not hide on the top border.
    yAxis: {
      type: 'value',
      min: 0,
      max: (extent: { max: number }) => niceCeiling(extent.max * 1.2),
      name: unit,
      nameTextStyle: { fontSize: 10 },
      axisLabel: { fontSize: 10 },
    },
  };
}

function line(name: string, color: string, data: Datum[]): LineSeriesOption {
  return {
    name,
    type: 'line',
    data,
    showSymbol: data.length <= 1,
    symbolSize: 5,
    // A bucket without requests has no latency: show a gap, not a drop to zero.
    connectNulls: false,
    lineStyle: { width: 2, color },
    itemStyle: { color },
  };
}

/** Requests per second, with the erroring share drawn on top in red. */
export function requestRateOption(points: readonly SeriesPoint[]): ChartOption {
  return {
    ...baseOption('req/s'),
    legend: { top: 0, right: 8, itemWidth: 14, textStyle: { fontSize: 11 } },
    series: [
      {
        ...line('Requests/s', CHART_COLORS.requests, points.map((p) => [p.ts, round(p.requestRate)])),
        areaStyle: { opacity: 0.08, color: CHART_COLORS.requests },
      },
      line('Errors/s', CHART_COLORS.errors, points.map((p) => [p.ts, round(p.requestRate * p.errorRate)])),
    ],
  };
}

/** Mean latency per bucket, gaps where there were no requests. */
export function latencyOption(points: readonly SeriesPoint[]): ChartOption {
  return {
    ...baseOption('ms'),
    legend: { top: 0, right: 8, itemWidth: 14, textStyle: { fontSize: 11 } },
    series: [
      line('Mean latency', CHART_COLORS.latency, points.map((p) => [p.ts, p.meanLatencyMs === null ? null : round(p.meanLatencyMs)])),
    ],
  };
}
