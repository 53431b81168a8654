'use client';
/**
 * The topology page: range selector, live graph, and the side panel for the
 * selected edge or node. The URL is the source of truth for range and selection.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo } from 'react';
import type { Topology } from '@kinsight/topology';
import { POLL_INTERVAL_MS } from '../lib/polling.js';
import { RANGE_LABELS, formatViewState, parseViewState, timeWindow, type Selection, type TimeRange } from '../lib/url-state.js';
import { api } from '../trpc/client.js';
import { EdgePanel } from './panels/EdgePanel.js';
import { NodePanel } from './panels/NodePanel.js';
import { MissingSelectionPanel } from './panels/Panel.js';
import { RangeSelector } from './RangeSelector.js';
import { HealthLegend } from './topology/HealthLegend.js';
import { TopologyGraph } from './topology/TopologyGraph.js';
import { toElements } from './topology/to-elements.js';
import styles from './TopologyView.module.css';

function asSentence(message: string): string {
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

function summary(topology: Topology): string {
  const unhealthy = topology.edges.filter((e) => e.health === 'critical' || e.health === 'warning').length;
  const parts = [`${topology.nodes.length} services`, `${topology.edges.length} connections`];
  if (unhealthy > 0) parts.push(`${unhealthy} unhealthy`);
  return parts.join(' · ');
}

export function TopologyView({ testHooks }: { testHooks: boolean }) {
  const searchParams = useSearchParams();
  const view = useMemo(() => parseViewState(new URLSearchParams(searchParams.toString())), [searchParams]);

  // pushState keeps selections in history (Back closes the panel) without a server round trip.
  const navigate = useCallback((range: TimeRange, selection: Selection) => {
    const query = formatViewState({ range, selection }, new URLSearchParams(window.location.search));
    window.history.pushState(null, '', query);
  }, []);
  const select = useCallback((selection: Selection) => navigate(view.range, selection), [navigate, view.range]);

  const topologyQuery = useQuery({
    queryKey: ['topology', view.range],
    // The window is computed per poll so "last 15 minutes" keeps sliding.
    queryFn: ({ signal }) => {
      const { from, to } = timeWindow(view.range, Date.now());
      return api.topology.get.query({ from, to }, { signal });
    },
    refetchInterval: POLL_INTERVAL_MS,
    placeholderData: keepPreviousData,
  });
  // No session (never signed in, expired, or signed out elsewhere): go to the sign-in page and come back here.
  const unauthorized = (topologyQuery.error as { data?: { code?: string } } | null)?.data?.code === 'UNAUTHORIZED';
  useEffect(() => {
    if (unauthorized) window.location.assign(`/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }, [unauthorized]);
  const topology = topologyQuery.data;
  const elements = useMemo(() => (topology ? toElements(topology) : []), [topology]);
  const isEmpty = topology !== undefined && topology.nodes.length === 0;
  const labelOf = useCallback(
    (id: string) => topology?.nodes.find((n) => n.id === id)?.label ?? id,
    [topology],
  );

  const selection = view.selection;
  const selectedEdge = selection?.kind === 'edge' ? topology?.edges.find((e) => e.id === selection.id) : undefined;
  const selectedNode = selection?.kind === 'node' ? topology?.nodes.find((n) => n.id === selection.id) : undefined;

  let panel = null;
  if (selectedEdge) {
    panel = (
      <EdgePanel
        edge={selectedEdge}
        sourceLabel={labelOf(selectedEdge.source)}
        targetLabel={labelOf(selectedEdge.target)}
        range={view.range}
        onClose={() => select(null)}
      />
    );
  } else if (selectedNode && topology) {
    panel = (
      <NodePanel
        node={selectedNode}
        topology={topology}
        labelOf={labelOf}
        onSelect={select}
        onClose={() => select(null)}
      />
    );
  } else if (selection && topology) {
    panel = <MissingSelectionPanel selection={selection} rangeLabel={RANGE_LABELS[view.range]} onClose={() => select(null)} />;
  }

  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <div className={styles.brand}>
          <span className={styles.logo} aria-hidden>K</span>
          <div>
            <h1 className={styles.title}>Service topology</h1>
            <p className={styles.subtitle}>Live calls between services, seen by eBPF</p>
          </div>
        </div>
        <div className={styles.controls}>
          <span className={styles.updated} data-testid="last-updated">
            {topologyQuery.dataUpdatedAt > 0 && (
              <>
                <span className={styles.liveDot} aria-hidden /> Updated{' '}
                {new Date(topologyQuery.dataUpdatedAt).toLocaleTimeString('en-GB')}
              </>
            )}
          </span>
          <RangeSelector value={view.range} onChange={(range) => navigate(range, view.selection)} />
        </div>
      </header>

      {topologyQuery.isError && (
        <div className={styles.errorBanner} role="alert" data-testid="api-error">
          <strong>Cannot load the topology.</strong> {asSentence(topologyQuery.error.message)}
          {topology ? ' Showing the last data received.' : ''} Retrying every {POLL_INTERVAL_MS / 1000} s.
        </div>
      )}

      <main className={styles.main}>
        <section className={styles.graphCard} aria-label="Topology graph">
          <div className={styles.graphToolbar}>
            <span data-testid="topology-summary">
              {topology ? summary(topology) : topologyQuery.isError ? 'Topology unavailable' : 'Loading…'}
            </span>
            <span className={styles.range}>{RANGE_LABELS[view.range]}</span>
          </div>
          <div className={styles.graphArea}>
            <TopologyGraph elements={elements} selection={selection} onSelect={select} testHooks={testHooks} />
            {topology === undefined &&
              (topologyQuery.isError ? (
                <div className={styles.overlay}>
                  <strong>Topology unavailable</strong>
                  <span>The graph appears as soon as the API answers.</span>
                </div>
              ) : (
                <div className={styles.overlay}>Loading topology…</div>
              ))}
            {isEmpty && (
              <div className={styles.overlay} data-testid="empty-state">
                <strong>No traffic in the {RANGE_LABELS[view.range].toLowerCase()}</strong>
                <span>
                  Services appear here once node agents report calls between them. Check that the agents are
                  running and can reach the API, or pick a longer time range.
                </span>
              </div>
            )}
            <HealthLegend />
          </div>
        </section>
        {panel}
      </main>
    </div>
  );
}
