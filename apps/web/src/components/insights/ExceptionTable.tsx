'use client';
/** The exception list: one row per exception, newest first, linking to its report when it has one. */
import Link from 'next/link';
import type { RouterOutputs } from '../../trpc/client.js';
import { topologyHref } from './entity-links.js';
import { entityLabel, formatImpact, formatLifetime, formatTimestamp, kindLabel, metricLabel } from './exception-format.js';
import styles from './Insights.module.css';

export type ExceptionItem = RouterOutputs['exceptions']['list']['items'][number];

export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span className={styles.severity} data-severity={severity} data-testid="severity-badge">
      {severity}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={styles.status} data-status={status} data-testid="status-badge">
      {status === 'open' ? 'Open' : 'Resolved'}
    </span>
  );
}

function ReportCell({ item }: { item: ExceptionItem }) {
  const { reportId } = item;
  if (reportId !== null) {
    return (
      <Link href={`/reports/${reportId}`} className={styles.reportLink} data-testid="exception-report-link">
        Root cause →
      </Link>
    );
  }
  return (
    <span className={styles.muted} title="The Insights runner writes a report when it opens an exception; this one came without">
      No report
    </span>
  );
}

export function ExceptionTable({ items, now }: { items: readonly ExceptionItem[]; now: number }) {
  return (
    <table className={styles.table} data-testid="exception-table">
      <thead>
        <tr>
          <th scope="col">Severity</th>
          <th scope="col">Exception</th>
          <th scope="col">Status</th>
          <th scope="col">Started</th>
          <th scope="col">Impact</th>
          <th scope="col">Report</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => {
          const { reportId } = item;
          const entity = { kind: item.entityKind, id: item.entityId };
          const onTopology = topologyHref(entity);
          return (
            <tr key={item.id} data-testid="exception-row" data-exception-id={item.id} data-status={item.status} data-severity={item.severity}>
              <td>
                <SeverityBadge severity={item.severity} />
              </td>
              <td className={styles.exceptionCell}>
                {reportId !== null ? (
                  <Link href={`/reports/${reportId}`} className={styles.exceptionTitle} data-testid="exception-title">
                    {item.title}
                  </Link>
                ) : (
                  <span className={styles.exceptionTitle} data-testid="exception-title">
                    {item.title}
                  </span>
                )}
                <span className={styles.exceptionMeta}>
                  <span data-testid="exception-entity">
                    {kindLabel(item.entityKind)} ·{' '}
                    {onTopology ? (
                      <Link href={onTopology} className={styles.entityLink} title="Show on the topology">
                        {entityLabel(item.entityKind, item.entityId)}
                      </Link>
                    ) : (
                      entityLabel(item.entityKind, item.entityId)
                    )}
                  </span>
                  <span aria-hidden> · </span>
                  <span data-testid="exception-metric">{metricLabel(item.metric)}</span>
                </span>
              </td>
              <td>
                <StatusBadge status={item.status} />
                <span className={styles.cellNote}>{formatLifetime(item.startedAt, item.endedAt, now)}</span>
              </td>
              <td className={styles.time}>
                <time dateTime={new Date(item.startedAt).toISOString()} data-testid="exception-started">
                  {formatTimestamp(item.startedAt, now)}
                </time>
                {item.endedAt !== null && (
                  <span className={styles.cellNote}>
                    ended <time dateTime={new Date(item.endedAt).toISOString()}>{formatTimestamp(item.endedAt, now)}</time>
                  </span>
                )}
              </td>
              <td data-testid="exception-impact">{formatImpact(item.impact)}</td>
              <td>
                <ReportCell item={item} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
