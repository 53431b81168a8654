import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('demo durations', () => {
  it('reads the units the scenario flags take', () => {
    expect(['3m', '90s', '90', '500ms', '1.5m', '1h', '0'].map(parseDuration)).toEqual([180_000, 90_000, 90_000, 500, 90_000, 3_600_000, 0]);
  });

  it('names what it cannot read', () => {
    expect(() => parseDuration('soon')).toThrow('duration "soon": use a number with ms, s, m or h');
    expect(() => parseDuration('-3m')).toThrow('duration "-3m"');
  });

  it('says durations the way the console does', () => {
    expect([formatDuration(180_000), formatDuration(90_000), formatDuration(45_000)]).toEqual(['3 min', '1 min 30 s', '45 s']);
  });
});
