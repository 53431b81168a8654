'use client';
/**
 * For a topology panel: how many exceptions are open on this service or call, linking to them in
 * Insights. One small list query (capped), refreshed at the panel's pace.
 */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { POLL_INTERVAL_MS } from '../../lib/polling.js';
import { api } from '../../trpc/client.js';
import { exceptionEntityOf } from './entity-links.js';
import { insightsHref } from './insights-state.js';
import styles from './Insights.module.css';

const COUNT_CAP = 20;

export function OpenExceptionsLink({ selection }: { selection: { kind: 'node' | 'edge'; id: string } }) {
  const entity = exceptionEntityOf(selection);
  const query = useQuery({
    queryKey: ['open-exceptions', entity],
    queryFn: ({ signal }) =>
      api.exceptions.list.query({ status: 'open', entityKind: entity?.kind ?? '', entityId: entity?.id ?? '', limit: COUNT_CAP }, { signal }),
    enabled: entity !== null,
    refetchInterval: POLL_INTERVAL_MS,
    retry: false,
  });
  if (!entity) return null;
  const count = query.data?.items.length;
  const text =
    count === undefined ? 'Open exceptions' : count === 0 ? 'No open exceptions' : `${count}${query.data?.nextCursor ? '+' : ''} open exception${count === 1 ? '' : 's'}`;
  return (
    <Link
      href={insightsHref({ status: 'open', entity })}
      className={styles.panelLink}
      data-testid="open-exceptions-link"
      data-count={count ?? ''}
      data-tone={count !== undefined && count > 0 ? 'bad' : undefined}
    >
      {text} →
    </Link>
  );
}
