'use client';
/**
 * The Insights page: the exceptions the root-cause engine opened, newest first, filtered by status,
 * severity, start time and entity (all in the URL), paged by the API's keyset cursor.
 */
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { POLL_INTERVAL_MS } from '../../lib/polling.js';
import { api, type RouterInputs } from '../../trpc/client.js';
import { ExceptionTable, type ExceptionItem } from './ExceptionTable.js';
import { InsightsFilters } from './InsightsFilters.js';
import { formatInsightsState, hasFilters, INSIGHT_RANGE_LABELS, listFilter, parseInsightsState, type InsightsState } from './insights-state.js';
import { PageHeader } from './PageHeader.js';
import { asSentence, useSignInRedirect } from './use-signin-redirect.js';
import styles from './Insights.module.css';

type Cursor = NonNullable<RouterInputs['exceptions']['list']['cursor']>;

export function InsightsView() {
  const searchParams = useSearchParams();
  const state = useMemo(() => parseInsightsState(new URLSearchParams(searchParams.toString())), [searchParams]);
  // pushState keeps each filter in history (Back undoes it) without a server round trip.
  const navigate = useCallback((next: InsightsState) => window.history.pushState(null, '', formatInsightsState(next)), []);

  const query = useInfiniteQuery({
    queryKey: ['exceptions', state],
    // The window is computed per fetch so "last 24 hours" keeps sliding.
    queryFn: ({ pageParam, signal }) =>
      api.exceptions.list.query({ ...listFilter(state, Date.now()), ...(pageParam ? { cursor: pageParam } : {}) }, { signal }),
    initialPageParam: null as Cursor | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: POLL_INTERVAL_MS,
    placeholderData: keepPreviousData,
  });
  useSignInRedirect(query.error);

  // A poll can shift rows across page boundaries; an id shows once.
  const items = useMemo(() => {
    const seen = new Set<number>();
    const rows: ExceptionItem[] = [];
    for (const page of query.data?.pages ?? []) {
      for (const item of page.items) {
        if (seen.has(item.id)) continue;
        seen.add(item.id);
        rows.push(item);
      }
    }
    return rows;
  }, [query.data]);
  const loaded = query.data !== undefined;
  const openCount = items.filter((i) => i.status === 'open').length;
  const rangeLabel = INSIGHT_RANGE_LABELS[state.range].toLowerCase();

  return (
    <div className={styles.page}>
      <PageHeader title="Insights" subtitle="Exceptions the root-cause engine found, newest first">
        <span className={styles.updated} data-testid="insights-updated">
          {query.dataUpdatedAt > 0 && <>Updated {new Date(query.dataUpdatedAt).toLocaleTimeString('en-GB')}</>}
        </span>
      </PageHeader>

      {query.isError && (
        <div className={styles.errorBanner} role="alert" data-testid="insights-error">
          <strong>Cannot load exceptions.</strong> {asSentence(query.error.message)}
          {loaded ? ' Showing the last list received.' : ''} Retrying every {POLL_INTERVAL_MS / 1000} s.
        </div>
      )}

      <main className={styles.main}>
        <InsightsFilters state={state} onChange={navigate} />
        <section className={styles.card} aria-label="Exceptions">
          <div className={styles.cardToolbar}>
            <span data-testid="insights-summary">
              {loaded
                ? `${items.length}${query.hasNextPage ? '+' : ''} exception${items.length === 1 ? '' : 's'} · ${openCount} open`
                : query.isError
                  ? 'Exceptions unavailable'
                  : 'Loading…'}
            </span>
            <span className={styles.muted}>Started in the {rangeLabel}</span>
          </div>

          {!loaded && !query.isError && (
            <div className={styles.emptyState} data-testid="insights-loading">
              Loading exceptions…
            </div>
          )}
          {loaded && items.length === 0 && (
            <div className={styles.emptyState} data-testid="insights-empty">
              {hasFilters(state) ? (
                <>
                  <strong>No exceptions match these filters in the {rangeLabel}</strong>
                  <button type="button" className={styles.button} onClick={() => navigate({ ...state, status: null, severity: null, entity: null })} data-testid="insights-clear-filters">
                    Clear filters
                  </button>
                </>
              ) : (
                <>
                  <strong>No exceptions in the {rangeLabel}</strong>
                  <span>
                    Kinsight opens an exception when a service&apos;s latency, errors or traffic, or a connection&apos;s
                    retransmits and round-trip time, leave their normal range for several 10 s steps in a row. Each one gets a
                    root-cause report. Nothing here means nothing has left its range — or no agent is reporting yet.
                  </span>
                </>
              )}
            </div>
          )}
          {items.length > 0 && <ExceptionTable items={items} now={query.dataUpdatedAt || Date.now()} />}
          {query.hasNextPage && (
            <div className={styles.more}>
              <button type="button" className={styles.button} onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage} data-testid="insights-load-more">
                {query.isFetchingNextPage ? 'Loading…' : 'Load older exceptions'}
              </button>
            </div>
          )}
        </section>
      </main>
    </div>
  );
}
