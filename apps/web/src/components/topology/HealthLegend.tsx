import { HEALTH_COLORS } from './graph-style.js';
import styles from './HealthLegend.module.css';

const ENTRIES = [
  ['healthy', 'Healthy'],
  ['warning', 'Degraded'],
  ['critical', 'Failing'],
  ['idle', 'Idle'],
] as const;

export function HealthLegend() {
  return (
    <ul className={styles.legend} aria-label="Health legend">
      {ENTRIES.map(([health, label]) => (
        <li key={health}>
          <span className={styles.swatch} style={{ background: HEALTH_COLORS[health] }} aria-hidden />
          {label}
        </li>
      ))}
    </ul>
  );
}
