import type { ReactNode } from 'react';
import styles from './Insights.module.css';

/** The white bar at the top of the Insights and report pages, like the topology's. */
export function PageHeader({ title, subtitle, children }: { title: ReactNode; subtitle: ReactNode; children?: ReactNode }) {
  return (
    <header className={styles.header}>
      <div>
        <h1 className={styles.title}>{title}</h1>
        <p className={styles.subtitle}>{subtitle}</p>
      </div>
      {children && <div className={styles.controls}>{children}</div>}
    </header>
  );
}
