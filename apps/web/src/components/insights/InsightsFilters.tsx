'use client';
/** Status, severity and range as segmented buttons; the entity filter as a removable chip. */
import { entityLabel, kindLabel } from './exception-format.js';
import {
  EXCEPTION_STATUS_FILTERS,
  INSIGHT_RANGE_LABELS,
  INSIGHT_RANGES,
  SEVERITY_FILTERS,
  type InsightsState,
} from './insights-state.js';
import styles from './Insights.module.css';

function Segmented<T extends string>({
  label,
  name,
  options,
  value,
  onChange,
  titles,
}: {
  label: string;
  name: string;
  options: readonly (T | null)[];
  value: T | null;
  onChange: (value: T | null) => void;
  titles?: Partial<Record<T, string>>;
}) {
  return (
    <div className={styles.filterGroup}>
      <span className={styles.filterLabel}>{label}</span>
      <div className={styles.segmented} role="group" aria-label={label} data-testid={`filter-${name}`}>
        {options.map((option) => (
          <button
            key={option ?? 'all'}
            type="button"
            aria-pressed={option === value}
            title={option === null ? undefined : titles?.[option]}
            data-testid={`filter-${name}-${option ?? 'all'}`}
            onClick={() => onChange(option)}
          >
            {option === null ? 'All' : option.charAt(0).toUpperCase() + option.slice(1)}
          </button>
        ))}
      </div>
    </div>
  );
}

export function InsightsFilters({ state, onChange }: { state: InsightsState; onChange: (next: InsightsState) => void }) {
  return (
    <div className={styles.filters} data-testid="insights-filters">
      <Segmented label="Status" name="status" options={[null, ...EXCEPTION_STATUS_FILTERS]} value={state.status} onChange={(status) => onChange({ ...state, status })} />
      <Segmented label="Severity" name="severity" options={[null, ...SEVERITY_FILTERS]} value={state.severity} onChange={(severity) => onChange({ ...state, severity })} />
      <Segmented
        label="Started"
        name="range"
        options={INSIGHT_RANGES}
        value={state.range}
        titles={INSIGHT_RANGE_LABELS}
        onChange={(range) => onChange({ ...state, range: range ?? state.range })}
      />
      {state.entity && (
        <span className={styles.chip} data-testid="filter-entity">
          {kindLabel(state.entity.kind)}: {entityLabel(state.entity.kind, state.entity.id)}
          <button type="button" aria-label="Show every entity" data-testid="filter-entity-clear" onClick={() => onChange({ ...state, entity: null })}>
            ×
          </button>
        </span>
      )}
    </div>
  );
}
