'use client';
/** Golden numbers of one connection plus its request-rate and latency history. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { STATUS_CLASSES, type TopologyEdge } from '@kinsight/topology';
import { formatCount, formatLatency, formatPercent, formatRate } from '../../lib/format.js';
import { timeWindow, type TimeRange } from '../../lib/url-state.js';
import { api } from '../../trpc/client.js';
import { EChart } from '../charts/EChart.js';
import { latencyOption, requestRateOption } from '../charts/options.js';
import { POLL_INTERVAL_MS } from '../../lib/polling.js';
import { OpenExceptionsLink } from '../insights/OpenExceptionsLink.js';
import { MetricGrid, MetricTile, Panel, panelStyles } from './Panel.js';

export interface EdgePanelProps {
  edge: TopologyEdge;
  sourceLabel: string;
  targetLabel: string;
  range: TimeRange;
  onClose: () => void;
}

export function EdgePanel({ edge, sourceLabel, targetLabel, range, onClose }: EdgePanelProps) {
  const { metrics } = edge;
  const seriesQuery = useQuery({
    queryKey: ['edge-series', edge.source, edge.target, range],
    queryFn: ({ signal }) => {
      const { from, to, stepSeconds } = timeWindow(range, Date.now());
      return api.metrics.edge.query({ source: edge.source, target: edge.target, from, to, stepSeconds }, { signal });
    },
    refetchInterval: POLL_INTERVAL_MS,
    placeholderData: keepPreviousData,
  });
  const points = useMemo(() => seriesQuery.data?.points ?? [], [seriesQuery.data]);
  const rateOption = useMemo(() => requestRateOption(points), [points]);
  const latencyChartOption = useMemo(() => latencyOption(points), [points]);
  const trafficPoints = points.filter((p) => p.requests > 0).length;
  const statusCounts = STATUS_CLASSES.filter((c) => edge.statusClasses[c] > 0);

  return (
    <Panel
      testId="edge-panel"
      kicker={`Connection · ${edge.protocol}`}
      title={
        <>
          {sourceLabel} <span aria-label="calls">→</span> {targetLabel}
        </>
      }
      health={edge.health}
      onClose={onClose}
    >
      <MetricGrid>
        <MetricTile label="Avg rate" value={formatRate(metrics.requestRate)} testId="edge-request-rate" />
        <MetricTile
          label="Error rate"
          value={formatPercent(metrics.errorRate)}
          tone={metrics.errors > 0 ? 'bad' : undefined}
          testId="edge-error-rate"
        />
        <MetricTile label="Mean latency" value={formatLatency(metrics.meanLatencyMs)} testId="edge-latency" />
        <MetricTile label="Requests" value={formatCount(metrics.requests)} testId="edge-requests" />
        <MetricTile label="Errors" value={formatCount(metrics.errors)} tone={metrics.errors > 0 ? 'bad' : undefined} testId="edge-errors" />
        <MetricTile label="Protocol" value={edge.protocol} />
      </MetricGrid>
      <OpenExceptionsLink selection={{ kind: 'edge', id: edge.id }} />

      {statusCounts.length > 0 && (
        <section>
          <h3 className={panelStyles.sectionTitle}>Responses by status</h3>
          <ul className={panelStyles.statusList} data-testid="edge-status-classes">
            {statusCounts.map((c) => (
              <li key={c} data-bad={c === '5xx'}>
                {c} · {formatCount(edge.statusClasses[c])}
              </li>
            ))}
          </ul>
        </section>
      )}

      {seriesQuery.isError && (
        <p className={panelStyles.chartError} role="alert" data-testid="edge-series-error">
          Cannot load the history of this connection: {seriesQuery.error.message}
        </p>
      )}
      <EChart title="Request rate" option={rateOption} pointCount={points.length} trafficPointCount={trafficPoints} testId="chart-request-rate" />
      <EChart title="Mean latency" option={latencyChartOption} pointCount={points.length} trafficPointCount={trafficPoints} testId="chart-latency" />
    </Panel>
  );
}
