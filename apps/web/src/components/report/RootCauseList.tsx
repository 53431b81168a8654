'use client';
/** Ranked root causes: what, which class, how sure, the tree path that classified it, and its evidence. */
import type { RankedRootCause } from '@kinsight/rca';
import { entityLabel } from '../insights/exception-format.js';
import { formatEvidence, rankedEvidence } from './report-text.js';
import { faultClassLabel } from './to-propagation-elements.js';
import styles from './Report.module.css';

const KIND_WORDS: Record<string, string> = { edge: 'call', service: 'service', machine: 'machine' };
const EVIDENCE_SHOWN = 6;

export function RootCauseList({ causes, selectedId, onSelect }: { causes: readonly RankedRootCause[]; selectedId: string | null; onSelect: (id: string) => void }) {
  if (causes.length === 0) {
    return <p className={styles.note} data-testid="root-causes-empty">The engine found no root cause: nothing on the walk from the entry was abnormal enough to blame.</p>;
  }
  return (
    <ol className={styles.causes} data-testid="root-causes">
      {causes.map((cause) => {
        const evidence = rankedEvidence(cause.evidence);
        return (
          <li key={`${cause.kind}:${cause.id}`} data-testid="root-cause" data-rank={cause.rank} data-selected={cause.id === selectedId}>
            <button type="button" className={styles.causeHead} onClick={() => onSelect(cause.id)} aria-pressed={cause.id === selectedId}>
              <span className={styles.rank}>#{cause.rank}</span>
              <span className={styles.causeTitle}>
                <span className={styles.faultClass} data-fault-class={cause.faultClass}>
                  {faultClassLabel(cause.faultClass)}
                </span>{' '}
                on the {KIND_WORDS[cause.kind] ?? cause.kind} <strong data-testid="root-cause-entity">{entityLabel(cause.kind, cause.id)}</strong>
              </span>
              <span className={styles.score} title="Ranking score: the suspect's anomaly plus the strongest resource or network signal">
                score {cause.score >= 100 ? Math.round(cause.score) : cause.score.toFixed(1)}
              </span>
            </button>
            <p className={styles.causeSummary}>{cause.summary}</p>
            {cause.explainedShare !== undefined && (
              <p className={styles.causePath} data-testid="root-cause-share">
                Explains {Math.round(cause.explainedShare * 100)} % of the entry&apos;s extra {cause.kind === 'edge' ? 'time on this call' : 'time or failures'}
              </p>
            )}
            {cause.treePath.length > 0 && (
              <p className={styles.causePath}>
                Fault tree: <code>{cause.treePath.join(' → ')}</code>
              </p>
            )}
            {evidence.length > 0 && (
              <dl className={styles.evidence} data-testid="root-cause-evidence">
                {evidence.slice(0, EVIDENCE_SHOWN).map(([name, value]) => (
                  <div key={name}>
                    <dt>{name}</dt>
                    <dd>{formatEvidence(value)}</dd>
                  </div>
                ))}
              </dl>
            )}
            {evidence.length > EVIDENCE_SHOWN && (
              <details className={styles.moreEvidence}>
                <summary>All evidence ({evidence.length})</summary>
                <dl className={styles.evidence}>
                  {evidence.slice(EVIDENCE_SHOWN).map(([name, value]) => (
                    <div key={name}>
                      <dt>{name}</dt>
                      <dd>{formatEvidence(value)}</dd>
                    </div>
                  ))}
                </dl>
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
