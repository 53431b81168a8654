'use client';
/**
 * One root-cause report: what users felt, the root cause in one sentence, why the fault tree says so,
 * the ranked suspects with their evidence, where the anomaly travelled (diagram), the key series,
 * and the suspect's error-log templates and slowest statements.
 */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, useState, type ReactNode } from 'react';
import type { RcaReport } from '@kinsight/rca';
import type { Selection } from '../../lib/url-state.js';
import { api } from '../../trpc/client.js';
import { topologyHref } from '../insights/entity-links.js';
import { formatDuration, formatTimestamp, metricLabel } from '../insights/exception-format.js';
import { SeverityBadge, StatusBadge } from '../insights/ExceptionTable.js';
import { PageHeader } from '../insights/PageHeader.js';
import { asSentence, isUnauthorized, useSignInRedirect } from '../insights/use-signin-redirect.js';
import insightStyles from '../insights/Insights.module.css';
import { FaultTreePath } from './FaultTreePath.js';
import { KeyMetricCharts } from './KeyMetricCharts.js';
import { PropagationDiagram } from './PropagationDiagram.js';
import { parseReportDocument } from './report-document.js';
import { LogTemplates, SlowStatements } from './ReportTables.js';
import { RootCauseList } from './RootCauseList.js';
import { headline } from './report-text.js';
import { faultClassLabel, toPropagationElements } from './to-propagation-elements.js';
import styles from './Report.module.css';

function Section({ title, testId, children, wide }: { title: string; testId: string; children: ReactNode; wide?: boolean }) {
  return (
    <section className={styles.section} data-testid={testId} data-wide={wide}>
      <h2 className={styles.sectionTitle}>{title}</h2>
      {children}
    </section>
  );
}

function ReportBody({ report, testHooks, exception }: { report: RcaReport; testHooks: boolean; exception: ExceptionSummary | null }) {
  const elements = useMemo(() => toPropagationElements(report), [report]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selection: Selection = selectedId === null ? null : elements.some((e) => e.group === 'edges' && e.data.id === selectedId) ? { kind: 'edge', id: selectedId } : { kind: 'node', id: selectedId };
  const now = Date.now();
  const entryLink = topologyHref({ kind: 'service', id: report.nodeIds?.[report.entry] ?? report.entry });

  return (
    <>
      <section className={styles.hero} data-testid="report-hero">
        <div className={styles.badges}>
          <span className={styles.faultBadge} data-fault-class={report.faultClass} data-testid="report-fault-class">
            {faultClassLabel(report.faultClass)}
          </span>
          {exception && <SeverityBadge severity={exception.severity} />}
          {exception && <StatusBadge status={exception.status} />}
        </div>
        <h2 className={styles.headline} data-testid="report-headline">
          {headline(report)}
        </h2>
        <p className={styles.summary} data-testid="report-summary">
          {asSentence(report.summary)}
        </p>
        <p className={styles.phenomenon} data-testid="report-phenomenon">
          <strong>What happened:</strong> {asSentence(report.phenomenon)}
        </p>
        <dl className={styles.facts}>
          <div>
            <dt>Entry</dt>
            <dd>{entryLink ? <Link href={entryLink}>{report.entry}</Link> : report.entry}</dd>
          </div>
          <div>
            <dt>Symptom</dt>
            <dd>{report.symptom}</dd>
          </div>
          <div>
            <dt>Incident window</dt>
            <dd>
              {formatTimestamp(report.window.from, now)} – {formatTimestamp(report.window.to, now)} ({formatDuration(report.window.to - report.window.from)})
            </dd>
          </div>
          {exception && (
            <div>
              <dt>Exception</dt>
              <dd data-testid="report-exception">
                {exception.title} · {metricLabel(exception.metric)}
              </dd>
            </div>
          )}
        </dl>
      </section>

      <div className={styles.grid}>
        <Section title="Fault propagation" testId="report-propagation">
          <PropagationDiagram elements={elements} selection={selection} onSelect={(s) => setSelectedId(s?.id ?? null)} testHooks={testHooks} />
        </Section>
        <Section title="Why: the fault-tree path" testId="report-why">
          <FaultTreePath classification={report.classification} />
        </Section>
        <Section title="Ranked root causes" testId="report-root-causes" wide>
          <RootCauseList causes={report.rootCauses} selectedId={selectedId} onSelect={(id) => setSelectedId(id === selectedId ? null : id)} />
        </Section>
        <Section title="Key metrics" testId="report-key-metrics" wide>
          <KeyMetricCharts report={report} />
        </Section>
        <Section title="Error logs of the suspect" testId="report-logs">
          <LogTemplates templates={report.logTemplates} />
        </Section>
        <Section title="Slowest SQL and Redis statements" testId="report-statements">
          <SlowStatements statements={report.slowStatements} />
        </Section>
      </div>
    </>
  );
}

interface ExceptionSummary {
  title: string;
  metric: string;
  severity: string;
  status: string;
}

export function ReportView({ id, rawId, testHooks }: { id: number | null; rawId: string; testHooks: boolean }) {
  const reportQuery = useQuery({
    queryKey: ['report', id],
    queryFn: ({ signal }) => api.reports.get.query({ id: id ?? 0 }, { signal }),
    enabled: id !== null,
    // A missing report stays missing; retrying only delays the message.
    retry: (count, error) => count < 1 && !isUnauthorized(error) && (error as { data?: { code?: string } }).data?.code !== 'NOT_FOUND',
  });
  useSignInRedirect(reportQuery.error);
  const exceptionId = reportQuery.data?.exceptionId ?? null;
  const exceptionQuery = useQuery({
    queryKey: ['exception', exceptionId],
    queryFn: ({ signal }) => api.exceptions.get.query({ id: exceptionId ?? 0 }, { signal }),
    enabled: exceptionId !== null,
    retry: false,
  });
  const parsed = useMemo(() => (reportQuery.data ? parseReportDocument(reportQuery.data.document) : null), [reportQuery.data]);

  const subtitle = reportQuery.data
    ? `Report #${reportQuery.data.id} · written ${formatTimestamp(reportQuery.data.createdAt, Date.now())}`
    : `Report ${id === null ? rawId : `#${id}`}`;

  let body: ReactNode;
  if (id === null) {
    body = <Notice testId="report-invalid" title="Not a report id" text={`"${rawId}" is not a report number. Open reports from the Insights list.`} />;
  } else if (reportQuery.isError) {
    const notFound = (reportQuery.error as { data?: { code?: string } }).data?.code === 'NOT_FOUND';
    body = notFound ? (
      <Notice testId="report-not-found" title={`Report ${id} not found`} text="It may have been removed with old data. The Insights list links every report that exists." />
    ) : (
      <div className={insightStyles.errorBanner} role="alert" data-testid="report-error">
        <strong>Cannot load the report.</strong> {asSentence(reportQuery.error.message)}
      </div>
    );
  } else if (!parsed) {
    body = <Notice testId="report-loading" title="Loading the report…" text="" />;
  } else if (!parsed.ok) {
    body = (
      <div className={insightStyles.errorBanner} role="alert" data-testid="report-unreadable">
        <strong>This report cannot be shown.</strong> {asSentence(parsed.error)}
      </div>
    );
  } else {
    body = <ReportBody report={parsed.report} testHooks={testHooks} exception={exceptionQuery.data ?? null} />;
  }

  return (
    <div className={insightStyles.page}>
      <PageHeader title="Root-cause report" subtitle={subtitle}>
        <Link href="/insights" className={styles.back} data-testid="report-back">
          ← All exceptions
        </Link>
      </PageHeader>
      <main className={styles.main}>{body}</main>
    </div>
  );
}

function Notice({ testId, title, text }: { testId: string; title: string; text: string }) {
  return (
    <div className={styles.notice} data-testid={testId}>
      <strong>{title}</strong>
      {text && <span>{text}</span>}
    </div>
  );
}
