'use client';
/**
 * The report's key series, one chart per entity: drawn from the series the engine scored when the
 * report carries them, else from `metrics.series` over the incident and the baseline before it.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { RcaReport } from '@kinsight/rca';
import { api } from '../../trpc/client.js';
import { EChart } from '../charts/EChart.js';
import { chartCounts, chartDataFromReport, chartDataFromSeries, chartOption, type ApiSeriesPoint, type ChartData } from './chart-data.js';
import { chartWindow, describeScore, planCharts, type ChartPlan } from './key-charts.js';
import styles from './Report.module.css';

function ChartCard({ plan, data, incident, source }: { plan: ChartPlan; data: ChartData; incident: { from: number; to: number }; source: 'report' | 'api' }) {
  const option = useMemo(() => chartOption(data, incident), [data, incident]);
  const counts = chartCounts(data);
  return (
    <div className={styles.chartCard} data-source={source}>
      <EChart option={option} title={plan.title} pointCount={counts.pointCount} trafficPointCount={counts.valuePointCount} testId={plan.testId} height={210} />
      {plan.metrics.length > 0 && <p className={styles.chartNote}>Abnormal: {plan.metrics.map((m) => describeScore(m.metric, m.score)).join(', ')}</p>}
    </div>
  );
}

function ApiChart({ plan, report }: { plan: ChartPlan; report: Pick<RcaReport, 'window'> }) {
  const window = useMemo(() => chartWindow(report.window, Date.now()), [report.window]);
  const query = useQuery({
    queryKey: ['report-series', plan.target, window],
    queryFn: ({ signal }) => api.metrics.series.query({ target: plan.target, ...window }, { signal }),
    retry: false,
  });
  const data = useMemo(() => {
    if (!query.data) return null;
    // The API's point shape depends on the target; the adapter reads the fields each target has.
    const points: readonly ApiSeriesPoint[] = query.data.points;
    return chartDataFromSeries(plan, points);
  }, [query.data, plan]);
  if (query.isError) {
    return (
      <div className={styles.chartCard}>
        <div className={styles.chartTitle}>{plan.title}</div>
        <p className={styles.chartMissing} data-testid={`${plan.testId}-error`}>
          No chart: {query.error.message}
        </p>
      </div>
    );
  }
  if (!data) {
    return (
      <div className={styles.chartCard}>
        <div className={styles.chartTitle}>{plan.title}</div>
        <p className={styles.chartMissing}>Loading the series…</p>
      </div>
    );
  }
  return <ChartCard plan={plan} data={data} incident={report.window} source="api" />;
}

export function KeyMetricCharts({ report }: { report: RcaReport }) {
  const { charts, uncharted } = useMemo(() => {
    const plan = planCharts(report);
    return { ...plan, charts: plan.charts.map((p) => ({ plan: p, fromReport: chartDataFromReport(p, report.keyMetrics) })) };
  }, [report]);
  if (charts.length === 0 && uncharted.length === 0) {
    return <p className={styles.note}>The report names no key series.</p>;
  }
  return (
    <>
      <div className={styles.charts} data-testid="report-charts">
        {charts.map(({ plan, fromReport }) =>
          fromReport ? (
            <ChartCard key={plan.key} plan={plan} data={fromReport} incident={report.window} source="report" />
          ) : (
            <ApiChart key={plan.key} plan={plan} report={report} />
          ),
        )}
      </div>
      {uncharted.length > 0 && (
        <p className={styles.chartNote} data-testid="report-uncharted">
          Also abnormal: {uncharted.map((u) => `${u.entity} ${describeScore(u.metric, u.score)}`).join(', ')}.
        </p>
      )}
    </>
  );
}
