import { createHash } from 'node:crypto';
import type { LogEvent } from '../capture/index.js';
import { BUCKET_MS } from './aggregate.js';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical' | 'unknown';

/** One line a traced process wrote to stdout or stderr. */
export interface LogLine {
  pid: number;
  comm: string;
  stream: 'stdout' | 'stderr';
  tsNs: bigint;
  line: string;
  /** the line was longer than the cap (in the kernel or here) and was cut */
  truncated: boolean;
}

const LEVELS: [RegExp, LogLevel][] = [
  [/\b(fatal|critical|crit|panic|emerg(ency)?|alert)\b/i, 'critical'],
  [/\b(error|err|exception|fail(ed|ure)?)\b/i, 'error'],
  [/\b(warn(ing)?)\b/i, 'warning'],
  [/\b(info|notice)\b/i, 'info'],
  [/\b(debug|trace)\b/i, 'debug'],
];

/** The level a line names (JSON `"level":"error"` or plain words); `unknown` when it names none. */
export function levelOf(line: string): LogLevel {
  const head = line.slice(0, 200);
  for (const [pattern, level] of LEVELS) if (pattern.test(head)) return level;
  return 'unknown';
}

/** Masks the variable parts of a line so lines of one statement share a template. */
export function templateOf(line: string): string {
  return line
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<ip>')
    .replace(/\b0x[0-9a-f]+\b|\b[0-9a-f]{12,}\b/gi, '<hex>')
    .replace(/"[^"]*"|'[^']*'/g, '<str>')
    .replace(/\b\d+(\.\d+)?(ms|s|us|µs|ns|%|kb|mb|gb|b)?\b/gi, '<num>')
    .slice(0, 2048);
}

export const templateIdOf = (template: string): string => createHash('sha256').update(template).digest('hex').slice(0, 16);

export interface LogRow {
  bucketStart: number;
  bucketSeconds: 10;
  source: { kind: 'service'; name: string };
  level: LogLevel;
  templateId: string;
  template: string;
  lines: number;
}

export interface LogCollectorOptions {
  onLine: (line: LogLine) => void;
  /** characters kept per line */
  maxLineLength?: number;
  /** partial lines held (one per process and stream) */
  maxPending?: number;
}

/**
 * Log stage: turns write() chunks on fd 1/2 into lines. A line split over two writes is joined; a partial
 * line is held at most until the next write of the same stream, capped in length and count.
 */
export class LogCollector {
  private readonly pending = new Map<string, { text: string; tsNs: bigint; truncated: boolean }>();
  private readonly maxLineLength: number;
  private readonly maxPending: number;
  readonly stats = { lines: 0, truncated: 0, evicted: 0 };

  constructor(private readonly opts: LogCollectorOptions) {
    this.maxLineLength = opts.maxLineLength ?? 1024;
    this.maxPending = opts.maxPending ?? 4096;
  }

  handle(event: LogEvent): void {
    const key = `${event.pid}:${event.fd}`;
    const held = this.pending.get(key);
    this.pending.delete(key);
    let text = (held?.text ?? '') + event.payload.toString('utf8');
    let truncated = (held?.truncated ?? false) || event.truncated;
    const tsNs = held?.tsNs ?? event.tsNs;
    const parts = text.split('\n');
    const rest = parts.pop() ?? '';
    for (const part of parts) {
      this.emit(event, part, truncated, tsNs);
      truncated = false;
    }
    // The kernel kept only the head of this write: what is left cannot be completed.
    if (event.truncated && rest !== '') {
      this.emit(event, rest, true, tsNs);
      return;
    }
    text = rest;
    if (text === '') return;
    if (this.pending.size >= this.maxPending) {
      const oldest = this.pending.keys().next();
      if (!oldest.done) this.pending.delete(oldest.value);
      this.stats.evicted++;
    }
    this.pending.set(key, { text: text.slice(0, this.maxLineLength), tsNs, truncated: truncated || text.length > this.maxLineLength });
  }

  private emit(event: LogEvent, raw: string, truncated: boolean, tsNs: bigint): void {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const cut = line.length > this.maxLineLength;
    if (truncated || cut) this.stats.truncated++;
    this.stats.lines++;
    this.opts.onLine({
      pid: event.pid,
      comm: event.comm,
      stream: event.fd === 2 ? 'stderr' : 'stdout',
      tsNs,
      line: cut ? line.slice(0, this.maxLineLength) : line,
      truncated: truncated || cut,
    });
  }
}

/** Counts lines per bucket × source × level × template; bounded, extra templates are dropped and counted. */
export class LogAggregator {
  private readonly rows = new Map<string, LogRow>();
  dropped = 0;

  constructor(private readonly maxKeys = 10_000) {}

  add(source: string, line: string, epochMs: number): void {
    const bucketStart = Math.floor(epochMs / BUCKET_MS) * BUCKET_MS;
    const level = levelOf(line);
    const template = templateOf(line).replace(/[^\x20-\x7e]/g, '?') || '<empty>';
    const templateId = templateIdOf(template);
    const key = `${bucketStart}|${source}|${level}|${templateId}`;
    let row = this.rows.get(key);
    if (!row) {
      if (this.rows.size >= this.maxKeys) {
        this.dropped++;
        return;
      }
      row = { bucketStart, bucketSeconds: 10, source: { kind: 'service', name: source }, level, templateId, template, lines: 0 };
      this.rows.set(key, row);
    }
    row.lines++;
  }

  drain(beforeEpochMs = Number.POSITIVE_INFINITY): LogRow[] {
    const out: LogRow[] = [];
    for (const [key, row] of this.rows) {
      if (row.bucketStart + BUCKET_MS <= beforeEpochMs) {
        out.push(row);
        this.rows.delete(key);
      }
    }
    return out;
  }
}
