import { describe, expect, it } from 'vitest';
import {
  formatInsightsState,
  hasFilters,
  insightsHref,
  listFilter,
  PAGE_SIZE,
  parseEntityParam,
  parseInsightsState,
  type InsightsState,
} from './insights-state.js';

const NOW = 1_700_000_000_000;
const defaults: InsightsState = { range: '24h', status: null, severity: null, entity: null };

describe('parseInsightsState', () => {
  it('reads range, status, severity and entity', () => {
    const state = parseInsightsState(new URLSearchParams('range=1h&status=open&severity=critical&entity=edge:gateway->product'));
    expect(state).toEqual({ range: '1h', status: 'open', severity: 'critical', entity: { kind: 'edge', id: 'gateway->product' } });
  });

  it('falls back to the defaults for missing or unknown values, so a stale link still opens', () => {
    expect(parseInsightsState(new URLSearchParams(''))).toEqual(defaults);
    expect(parseInsightsState(new URLSearchParams('range=2y&status=snoozed&severity=panic&entity=nocolon'))).toEqual(defaults);
  });

  it('keeps colons inside an entity id (external addresses)', () => {
    expect(parseEntityParam('service:external:10.0.0.7:443')).toEqual({ kind: 'service', id: 'external:10.0.0.7:443' });
    expect(parseEntityParam(':x')).toBeNull();
    expect(parseEntityParam('service:')).toBeNull();
  });
});

describe('formatInsightsState', () => {
  it('round-trips through the URL', () => {
    const state: InsightsState = { range: '7d', status: 'resolved', severity: 'warning', entity: { kind: 'service', id: 'gateway' } };
    const query = formatInsightsState(state);
    expect(query).toBe('?range=7d&status=resolved&severity=warning&entity=service%3Agateway');
    expect(parseInsightsState(new URLSearchParams(query))).toEqual(state);
  });

  it('leaves unset filters out', () => {
    expect(formatInsightsState(defaults)).toBe('?range=24h');
    expect(insightsHref({ status: 'open', entity: { kind: 'edge', id: 'a->b' } })).toBe('/insights?range=24h&status=open&entity=edge%3Aa-%3Eb');
  });
});

describe('listFilter', () => {
  it('turns the state into the exceptions.list input for the range ending now', () => {
    expect(listFilter({ range: '1h', status: 'open', severity: 'critical', entity: { kind: 'edge', id: 'a->b' } }, NOW)).toEqual({
      status: 'open',
      severity: 'critical',
      entityKind: 'edge',
      entityId: 'a->b',
      from: NOW - 3_600_000,
      to: NOW + 60_000,
      limit: PAGE_SIZE,
    });
  });

  it('sends no filter fields for "all"', () => {
    expect(listFilter(defaults, NOW)).toEqual({ from: NOW - 24 * 3_600_000, to: NOW + 60_000, limit: PAGE_SIZE });
  });

  it('never sends a negative start', () => {
    expect(listFilter({ ...defaults, range: '7d' }, 1000).from).toBe(0);
  });
});

describe('hasFilters', () => {
  it('is false only when nothing narrows the list', () => {
    expect(hasFilters(defaults)).toBe(false);
    expect(hasFilters({ ...defaults, range: '1h' })).toBe(false);
    expect(hasFilters({ ...defaults, severity: 'info' })).toBe(true);
  });
});
