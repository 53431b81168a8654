import { describe, expect, it } from 'vitest';
import { parseDuration, parseIntOption } from './cli-options.js';

describe('CLI options', () => {
  it('parses durations with units', () => {
    expect(['30s', '2m', '500ms', '1h', '5', '1.5s'].map(parseDuration)).toEqual([30_000, 120_000, 500, 3_600_000, 5_000, 1_500]);
  });
  it('rejects bad values with a message naming them', () => {
    expect(() => parseDuration('soon')).toThrow('"soon" is not a duration');
    expect(() => parseIntOption('--pid')('-3')).toThrow('--pid must be a non-negative integer');
  });
});
