import { describe, expect, it } from 'vitest';
import { formatViewState, parseViewState, timeWindow } from './url-state.js';

describe('parseViewState', () => {
  it('reads range and edge selection', () => {
    expect(parseViewState(new URLSearchParams('range=5m&edge=svc%3Aa-%3Esvc%3Ab'))).toEqual({
      range: '5m',
      selection: { kind: 'edge', id: 'svc:a->svc:b' },
    });
  });

  it('reads a node selection', () => {
    expect(parseViewState(new URLSearchParams('range=1h&node=service%3Aproduct'))).toEqual({
      range: '1h',
      selection: { kind: 'node', id: 'service:product' },
    });
  });

  it('falls back to 15m and no selection for missing or unknown values', () => {
    expect(parseViewState(new URLSearchParams('range=2d&edge='))).toEqual({ range: '15m', selection: null });
    expect(parseViewState(new URLSearchParams(''))).toEqual({ range: '15m', selection: null });
  });

  it('prefers the edge when both edge and node are present', () => {
    expect(parseViewState(new URLSearchParams('node=n1&edge=e1')).selection).toEqual({ kind: 'edge', id: 'e1' });
  });
});

describe('formatViewState', () => {
  it('writes range and selection, encoding ids', () => {
    expect(formatViewState({ range: '15m', selection: { kind: 'edge', id: 'service:gateway->service:product' } }))
      .toBe('?range=15m&edge=service%3Agateway-%3Eservice%3Aproduct');
  });

  it('replaces a previous selection and keeps unrelated parameters', () => {
    const base = new URLSearchParams('theme=dark&edge=old&range=5m');
    expect(formatViewState({ range: '1h', selection: { kind: 'node', id: 'n1' } }, base)).toBe('?theme=dark&range=1h&node=n1');
    expect(formatViewState({ range: '1h', selection: null }, base)).toBe('?theme=dark&range=1h');
  });

  it('round-trips through parse', () => {
    const state = { range: '5m', selection: { kind: 'node', id: 'external:10.0.0.7:5432' } } as const;
    expect(parseViewState(new URLSearchParams(formatViewState(state)))).toEqual(state);
  });
});

describe('timeWindow', () => {
  it('ends at now and spans the range with its chart step', () => {
    expect(timeWindow('5m', 1_700_000_000_000)).toEqual({ from: 1_699_999_700_000, to: 1_700_000_000_000, stepSeconds: 10 });
    expect(timeWindow('1h', 1_700_000_000_000)).toEqual({ from: 1_699_996_400_000, to: 1_700_000_000_000, stepSeconds: 30 });
  });
});
