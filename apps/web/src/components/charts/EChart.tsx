'use client';
/**
 * The one echarts host: init on mount, setOption on change, resize with its
 * box, dispose on unmount. Panels pass an option built by a pure `toOption()`.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ChartOption } from './options.js';
import styles from './EChart.module.css';

// MarkArea shades the incident window on report charts.
echarts.use([LineChart, GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent, CanvasRenderer]);

export interface EChartProps {
  option: ChartOption;
  title: string;
  /** Points on the x-axis (the API returns a dense series, empty steps included). */
  pointCount: number;
  /** Points that carry traffic; with `pointCount`, exposed as data attributes for tests. */
  trafficPointCount: number;
  testId: string;
  height?: number;
}

export function EChart({ option, title, pointCount, trafficPointCount, testId, height = 170 }: EChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const chart = echarts.init(host, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    const resizeObserver = new ResizeObserver(() => chart.resize());
    resizeObserver.observe(host);
    return () => {
      resizeObserver.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    // notMerge: each poll replaces the series instead of merging into stale ones.
    chartRef.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <figure className={styles.figure}>
      <figcaption className={styles.title}>{title}</figcaption>
      <div
        ref={hostRef}
        className={styles.host}
        style={{ height }}
        data-testid={testId}
        data-point-count={pointCount}
        data-traffic-point-count={trafficPointCount}
        role="img"
        aria-label={`${title}: ${trafficPointCount} of ${pointCount} steps with traffic`}
      />
    </figure>
  );
}
