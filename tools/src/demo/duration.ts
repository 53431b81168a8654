/** Durations on the demo's command line: `90s`, `3m`, `1h`, `500ms`, or plain seconds; `0` is none. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m?.[1]) throw new Error(`duration "${text}": use a number with ms, s, m or h (e.g. 90s, 3m)`);
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1_000));
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes === 0) return `${seconds} s`;
  return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
}
