import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../capture/index.js';
import { LogAggregator, LogCollector, type LogLine, levelOf, templateIdOf, templateOf } from './logs.js';

const write = (payload: string, over: Partial<LogEvent> = {}): LogEvent => ({
  kind: 'log', tsNs: 1n, pid: 10, tid: 10, comm: 'svc', fd: 1, cgroupId: 1n, size: Buffer.byteLength(payload), payload: Buffer.from(payload), truncated: false, ...over,
});

function collect(events: LogEvent[], maxLineLength?: number): { lines: LogLine[]; collector: LogCollector } {
  const lines: LogLine[] = [];
  const collector = new LogCollector({ onLine: (l) => lines.push(l), ...(maxLineLength === undefined ? {} : { maxLineLength }) });
  for (const e of events) collector.handle(e);
  return { lines, collector };
}

describe('LogCollector', () => {
  it('splits writes into lines, joins a line split over two writes, and keeps streams apart', () => {
    const { lines } = collect([
      write('first line\nsecond '),
      write('oops\n', { fd: 2, tsNs: 2n }),
      write('line\n', { tsNs: 3n }),
    ]);
    expect(lines.map((l) => [l.stream, l.line, l.tsNs])).toEqual([
      ['stdout', 'first line', 1n],
      ['stderr', 'oops', 2n],
      ['stdout', 'second line', 1n],
    ]);
  });

  it('caps line length and marks lines the kernel truncated', () => {
    const { lines, collector } = collect([write('x'.repeat(50) + '\n'), write('head of a long write', { truncated: true, size: 5000 })], 10);
    expect(lines.map((l) => [l.line, l.truncated])).toEqual([
      ['x'.repeat(10), true],
      ['head of a ', true],
    ]);
    expect(collector.stats).toEqual({ lines: 2, truncated: 2, evicted: 0 });
  });
});

describe('levels and templates', () => {
  it.each([
    ['ERROR could not connect to db', 'error'],
    ['{"level":"warn","msg":"slow"}', 'warning'],
    ['panic: runtime error', 'critical'],
    ['GET /health 200', 'unknown'],
    ['INFO started', 'info'],
  ])('%s → %s', (line, level) => {
    expect(levelOf(line)).toBe(level);
  });

  it('masks variables so one statement gives one template', () => {
    const a = templateOf('user 42 from 10.0.0.7:5432 failed after 120ms id=3f2504e0-4f89-11d3-9a0c-0305e82c3301 "alice"');
    const b = templateOf('user 7 from 10.0.0.9:5432 failed after 3ms id=9a2504e0-4f89-11d3-9a0c-0305e82c3301 "bob"');
    expect(a).toBe('user <num> from <ip> failed after <num> id=<uuid> <str>');
    expect(templateIdOf(a)).toBe(templateIdOf(b));
    expect(templateIdOf(a)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('counts lines per bucket, source, level and template, bounded', () => {
    const agg = new LogAggregator(2);
    agg.add('svc:80', 'ERROR timeout after 5s', 1_700_000_001_000);
    agg.add('svc:80', 'ERROR timeout after 9s', 1_700_000_002_000);
    agg.add('svc:80', 'INFO ok', 1_700_000_003_000);
    agg.add('svc:80', 'WARN third template', 1_700_000_003_000);
    expect(agg.drain().map((r) => [r.source.name, r.level, r.template, r.lines])).toEqual([
      ['svc:80', 'error', 'ERROR timeout after <num>', 2],
      ['svc:80', 'info', 'INFO ok', 1],
    ]);
    expect(agg.dropped).toBe(1);
  });
});
