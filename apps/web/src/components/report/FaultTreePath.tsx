'use client';
/** Why the report names its class: the fault-tree nodes the walk passed, and what it ruled out. */
import type { Classification } from '@kinsight/rca';
import styles from './Report.module.css';

export function FaultTreePath({ classification }: { classification: Classification }) {
  const { path, rejected } = classification;
  if (path.length === 0) {
    return <p className={styles.note}>The fault tree did not classify this incident: no node of it matched the evidence.</p>;
  }
  return (
    <div>
      <ol className={styles.treePath} data-testid="fault-tree-path">
        {path.map((step, i) => (
          <li key={step.nodeId} data-node-id={step.nodeId} data-passed={step.passed} data-last={i === path.length - 1}>
            <div className={styles.stepTitle}>{step.title}</div>
            <div className={styles.stepMessage}>{step.message}</div>
            <code className={styles.stepWhy}>{step.why}</code>
          </li>
        ))}
      </ol>
      {rejected.length > 0 && (
        <details className={styles.rejected} data-testid="fault-tree-rejected">
          <summary>Ruled out ({rejected.length})</summary>
          <ul>
            {rejected.map((step) => (
              <li key={step.nodeId}>
                <span className={styles.stepTitle}>{step.title}</span> — <code className={styles.stepWhy}>{step.why}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
