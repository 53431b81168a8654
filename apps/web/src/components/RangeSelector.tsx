'use client';
import { RANGE_LABELS, TIME_RANGES, type TimeRange } from '../lib/url-state.js';
import styles from './TopologyView.module.css';

export function RangeSelector({ value, onChange }: { value: TimeRange; onChange: (range: TimeRange) => void }) {
  return (
    <div className={styles.rangeSelector} role="group" aria-label="Time range" data-testid="range-selector">
      {TIME_RANGES.map((range) => (
        <button
          key={range}
          type="button"
          className={styles.rangeButton}
          aria-pressed={range === value}
          title={RANGE_LABELS[range]}
          data-testid={`range-${range}`}
          onClick={() => onChange(range)}
        >
          {range}
        </button>
      ))}
    </div>
  );
}
