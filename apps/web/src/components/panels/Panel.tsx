'use client';
import type { ReactNode } from 'react';
import type { Health } from '@kinsight/topology';
import type { Selection } from '../../lib/url-state.js';
import styles from './Panel.module.css';

const HEALTH_TEXT: Record<Health, string> = {
  healthy: 'Healthy',
  warning: 'Degraded',
  critical: 'Failing',
  idle: 'Idle',
};

export function HealthBadge({ health }: { health: Health }) {
  return (
    <span className={styles.badge} data-health={health} data-testid="health-badge">
      {HEALTH_TEXT[health]}
    </span>
  );
}

export interface PanelProps {
  testId: string;
  kicker: string;
  title: ReactNode;
  health?: Health;
  onClose: () => void;
  children: ReactNode;
}

export function Panel({ testId, kicker, title, health, onClose, children }: PanelProps) {
  return (
    <aside className={styles.panel} data-testid={testId} aria-label={kicker}>
      <header className={styles.header}>
        <div>
          <div className={styles.kicker}>{kicker}</div>
          <h2 className={styles.title}>{title}</h2>
        </div>
        <div className={styles.headerRight}>
          {health && <HealthBadge health={health} />}
          <button type="button" className={styles.close} onClick={onClose} aria-label="Close panel" data-testid="panel-close">
            ×
          </button>
        </div>
      </header>
      <div className={styles.body}>{children}</div>
    </aside>
  );
}

export function MetricTile({ label, value, tone, testId }: { label: string; value: string; tone?: 'bad'; testId?: string }) {
  return (
    <div className={styles.tile} data-tone={tone} data-testid={testId}>
      <div className={styles.tileLabel}>{label}</div>
      <div className={styles.tileValue}>{value}</div>
    </div>
  );
}

export function MetricGrid({ children }: { children: ReactNode }) {
  return <div className={styles.grid}>{children}</div>;
}

/** A shared link can name an edge or node that had no traffic in the chosen window. */
export function MissingSelectionPanel({
  selection,
  rangeLabel,
  onClose,
}: {
  selection: NonNullable<Selection>;
  rangeLabel: string;
  onClose: () => void;
}) {
  return (
    <Panel testId="missing-selection-panel" kicker={selection.kind === 'edge' ? 'Connection' : 'Service'} title={selection.id} onClose={onClose}>
      <p className={styles.note}>
        No traffic for this {selection.kind === 'edge' ? 'connection' : 'service'} in the {rangeLabel.toLowerCase()}.
        Try a longer time range.
      </p>
    </Panel>
  );
}

export { styles as panelStyles };
