/**
 * Pure series → echarts option functions for the root-cause report. Each chart shades the incident
 * window and can draw the level the engine took as normal (the baseline median), so "normal before,
 * abnormal since" reads at a glance; the network chart puts response time and TCP retransmits on two
 * axes of one chart so "rising together" is visible.
 */
import type { LineSeriesOption } from 'echarts/charts';
import { niceCeiling, type ChartOption } from './options.js';

export const REPORT_COLORS = {
  primary: '#7048e8',
  secondary: '#15aabf',
  tertiary: '#868e96',
  retransmits: '#e8590c',
  cpu: '#1c7ed6',
  memory: '#2f9e44',
  baseline: '#adb5bd',
  incident: 'rgba(224, 49, 49, 0.08)',
} as const;

export interface IncidentWindow {
  from: number;
  to: number;
}

export interface TimedValue {
  ts: number;
  /** null: no value in that step (no requests, no samples) — drawn as a gap */
  value: number | null;
}

/** One line of a chart, with the level the engine compared it against when known. */
export interface ChartLine {
  name: string;
  points: readonly TimedValue[];
  baseline?: number | undefined;
}

type Datum = [number, number | null];

const round = (value: number): number => Math.round(value * 1e6) / 1e6;
const data = (points: readonly TimedValue[]): Datum[] => points.map((p) => [p.ts, p.value === null ? null : round(p.value)]);

function line(name: string, color: string, points: Datum[], extra: Partial<LineSeriesOption> = {}): LineSeriesOption {
  return {
    name,
    type: 'line',
    data: points,
    showSymbol: points.length <= 1,
    symbolSize: 5,
    connectNulls: false,
    lineStyle: { width: 2, color },
    itemStyle: { color },
    ...extra,
  };
}

/** The incident band, carried by the first series (echarts draws mark areas per series). */
function incidentBand(incident: IncidentWindow): Pick<LineSeriesOption, 'markArea'> {
  return {
    markArea: {
      silent: true,
      itemStyle: { color: REPORT_COLORS.incident },
      label: { show: true, position: 'insideTop', formatter: 'incident', fontSize: 10, color: '#c92a2a' },
      data: [[{ xAxis: incident.from }, { xAxis: incident.to }]],
    },
  };
}

/** The baseline median as a flat dashed line over the drawn range, named "usual" like exception titles. */
function baselineLine(of: ChartLine, yAxisIndex: number): LineSeriesOption[] {
  const first = of.points[0];
  const last = of.points[of.points.length - 1];
  if (of.baseline === undefined || !Number.isFinite(of.baseline) || !first || !last) return [];
  const level = round(of.baseline);
  return [
    line('usual', REPORT_COLORS.baseline, [[first.ts, level], [last.ts, level]], {
      yAxisIndex,
      showSymbol: false,
      silent: true,
      lineStyle: { width: 1.5, type: 'dashed', color: REPORT_COLORS.baseline },
    }),
  ];
}

function valueAxis(name: string, position: 'left' | 'right') {
  return {
    type: 'value' as const,
    position,
    min: 0,
    max: (extent: { max: number }) => niceCeiling(extent.max * 1.2),
    name,
    nameTextStyle: { fontSize: 10 },
    axisLabel: { fontSize: 10 },
    // One set of grid lines is enough.
    splitLine: { show: position === 'left' },
  };
}

function frame(twoAxes: boolean): ChartOption {
  return {
    animation: false,
    // Room above the plot for the legend row and, below it, the axis names.
    grid: { left: 52, right: twoAxes ? 56 : 20, top: 48, bottom: 24 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? String(round(v)) : '–') },
    legend: { top: 0, left: 8, itemWidth: 14, textStyle: { fontSize: 11 } },
    xAxis: { type: 'time', axisLabel: { hideOverlap: true, fontSize: 10 } },
  };
}

export interface NetworkResponseLines {
  /** what the caller waited for, in ms */
  response: ChartLine;
  /** TCP retransmits per step */
  retransmits: ChartLine | null;
  /** smoothed round-trip time, in ms */
  srtt: ChartLine | null;
}

/** Response time and RTT on the left axis in ms, TCP retransmits per step on the right axis. */
export function networkResponseOption(lines: NetworkResponseLines, incident: IncidentWindow): ChartOption {
  const series: LineSeriesOption[] = [
    line(lines.response.name, REPORT_COLORS.primary, data(lines.response.points), { yAxisIndex: 0, ...incidentBand(incident) }),
  ];
  if (lines.retransmits) {
    series.push(line(lines.retransmits.name, REPORT_COLORS.retransmits, data(lines.retransmits.points), { yAxisIndex: 1, areaStyle: { opacity: 0.1, color: REPORT_COLORS.retransmits } }));
  }
  if (lines.srtt && lines.srtt.points.some((p) => p.value !== null)) {
    series.push(line(lines.srtt.name, REPORT_COLORS.tertiary, data(lines.srtt.points), { yAxisIndex: 0, lineStyle: { width: 1.5, type: 'dotted', color: REPORT_COLORS.tertiary } }));
  }
  series.push(...baselineLine(lines.response, 0));
  return { ...frame(true), yAxis: [valueAxis('ms', 'left'), valueAxis('retransmits', 'right')], series };
}

const LATENCY_COLORS = [REPORT_COLORS.primary, REPORT_COLORS.secondary, REPORT_COLORS.tertiary] as const;

/** Latency lines (p99, p95, mean …) in ms; the first one carries the band and its baseline. */
export function latencyOption(lines: readonly ChartLine[], incident: IncidentWindow): ChartOption {
  const series = lines.map((l, i) =>
    line(l.name, LATENCY_COLORS[i % LATENCY_COLORS.length] ?? REPORT_COLORS.primary, data(l.points), i === 0 ? incidentBand(incident) : {}),
  );
  const first = lines[0];
  if (first) series.push(...baselineLine(first, 0));
  return { ...frame(false), yAxis: valueAxis('ms', 'left'), series };
}

export interface ResourceLines {
  /** cores */
  cpu: ChartLine | null;
  /** bytes */
  memory: ChartLine | null;
}

const MIB = 1024 * 1024;

/** CPU in cores on the left, memory in MiB on the right. */
export function resourceOption(lines: ResourceLines, incident: IncidentWindow): ChartOption {
  const series: LineSeriesOption[] = [];
  if (lines.cpu) series.push(line(lines.cpu.name, REPORT_COLORS.cpu, data(lines.cpu.points), { yAxisIndex: 0, ...incidentBand(incident) }));
  if (lines.memory) {
    const mib = lines.memory.points.map((p) => ({ ts: p.ts, value: p.value === null ? null : p.value / MIB }));
    series.push(line(lines.memory.name, REPORT_COLORS.memory, data(mib), { yAxisIndex: 1, ...(lines.cpu ? {} : incidentBand(incident)) }));
  }
  return { ...frame(true), yAxis: [valueAxis('cores', 'left'), valueAxis('MiB', 'right')], series };
}
