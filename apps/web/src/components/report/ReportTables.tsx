'use client';
/** The suspect's error-log templates with counts, and its slowest SQL and Redis statements. */
import type { SlowStatement } from '@kinsight/rca';
import { formatCount, formatLatency } from '../../lib/format.js';
import styles from './Report.module.css';

interface TemplateCount {
  template: string;
  count: number;
  example: string;
}

export function LogTemplates({ templates }: { templates: readonly TemplateCount[] }) {
  if (templates.length === 0) {
    return <p className={styles.note} data-testid="log-templates-empty">No error log lines from the suspect in the incident window.</p>;
  }
  return (
    <table className={styles.table} data-testid="log-templates">
      <thead>
        <tr>
          <th scope="col">Template</th>
          <th scope="col" className={styles.num}>
            Lines
          </th>
        </tr>
      </thead>
      <tbody>
        {templates.map((t) => (
          <tr key={t.template}>
            <td>
              <code className={styles.code}>{t.template}</code>
              <span className={styles.example} title="One line that matched">
                e.g. {t.example}
              </span>
            </td>
            <td className={styles.num}>{formatCount(t.count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SlowStatements({ statements }: { statements: readonly SlowStatement[] }) {
  if (statements.length === 0) {
    return <p className={styles.note} data-testid="slow-statements-empty">The suspect ran no SQL or Redis statements the agent saw in the incident window.</p>;
  }
  return (
    <table className={styles.table} data-testid="slow-statements">
      <thead>
        <tr>
          <th scope="col">Statement</th>
          <th scope="col" className={styles.num}>
            Calls
          </th>
          <th scope="col" className={styles.num}>
            p99
          </th>
        </tr>
      </thead>
      <tbody>
        {statements.map((s) => (
          <tr key={`${s.system}:${s.statement}`}>
            <td>
              <span className={styles.system}>{s.system === 'sql' ? 'SQL' : 'Redis'}</span> <code className={styles.code}>{s.statement}</code>
            </td>
            <td className={styles.num}>{formatCount(s.calls)}</td>
            <td className={styles.num}>{formatLatency(s.p99Ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
