import { utf8 } from './bytes.js';

/** One message as llhttp's expected log describes it. */
export interface LlhttpMessage {
  method: string | null;
  url: string | null;
  status: number | null;
  /** From `headers complete … v=1/1`; null when the head never completed. */
  version: string | null;
  bodyBytes: number;
  complete: boolean;
}

export interface LlhttpFixture {
  /** `file:line` of the heading, as llhttp's runner names it. */
  location: string;
  name: string;
  /** Parser mode, e.g. `request`, `response`, `request-lenient-headers`, `response-finish`. */
  type: string | null;
  meta: Readonly<Record<string, unknown>>;
  input: Uint8Array;
  messages: LlhttpMessage[];
  /** llhttp error code (22 = paused for CONNECT/Upgrade, 23 = paused for PRI), or null. */
  errorCode: number | null;
  /** `llhttp_finish()` verdict for `*-finish` fixtures: 0 safe, 1 safe with callback, 2 unsafe. */
  finish: number | null;
}

/**
 * Reads an llhttp markdown fixture file (```http input + ```log expected
 * callbacks), decoding the input escapes exactly like llhttp's test/md-test.ts.
 */
export function parseLlhttpFixtures(markdown: string, fileName: string): LlhttpFixture[] {
  const lines = markdown.split('\n');
  const out: LlhttpFixture[] = [];
  let heading = { name: '', line: 0 };
  let meta: Record<string, unknown> | null = null;
  let input: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('#')) {
      heading = { name: line.replace(/^#+\s*/, ''), line: i + 1 };
      meta = null;
      input = null;
    } else if (line.startsWith('<!-- meta=')) {
      meta = JSON.parse(line.slice('<!-- meta='.length, line.lastIndexOf('-->')).trim()) as Record<string, unknown>;
    } else if (line.startsWith('```http') || line.startsWith('```log')) {
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !(lines[j] ?? '').startsWith('```')) body.push(lines[j++] ?? '');
      const block = body.join('\n') + '\n';
      i = j;
      if (line.startsWith('```http')) {
        input = block;
      } else if (input !== null) {
        const type = meta !== null && typeof meta['type'] === 'string' ? meta['type'] : null;
        out.push({
          location: `${fileName}:${heading.line}`, name: heading.name, type, meta: meta ?? {},
          input: utf8(decodeInput(input)), ...readLog(block),
        });
        input = null;
      }
    }
  }
  return out;
}

function decodeInput(raw: string): string {
  return raw
    .replace(/\n$/, '')
    .replace(/\\(\r\n|\r|\n)/g, '')
    .replace(/\r\n|\r|\n/g, '\r\n')
    .replace(/\\r/g, '\r')
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\f/g, '\f')
    .replace(/\\x([0-9a-fA-F]+)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\([0-7]{1,3})/g, (_, digits: string) => String.fromCharCode(parseInt(digits, 8)));
}

function readLog(log: string): Pick<LlhttpFixture, 'messages' | 'errorCode' | 'finish'> {
  const messages: LlhttpMessage[] = [];
  let errorCode: number | null = null;
  let finish: number | null = null;
  for (const line of log.replace(/\\t/g, '\t').replace(/\\f/g, '\f').split('\n')) {
    const current = messages.at(-1);
    const span = /len=(\d+) span\[(\w+)\]=(.*)$/.exec(line);
    if (line.endsWith(' message begin')) {
      messages.push({ method: null, url: null, status: null, version: null, bodyBytes: 0, complete: false });
    } else if (span !== null && current !== undefined) {
      const [, len, kind, value = ''] = span;
      const text = value.startsWith('"') ? value.slice(1, -1) : value;
      if (kind === 'method') current.method = (current.method ?? '') + text;
      if (kind === 'url') current.url = (current.url ?? '') + text;
      if (kind === 'body') current.bodyBytes += Number(len);
    } else if (line.includes(' headers complete ') && current !== undefined) {
      const head = /(?:method=\d+|status=(\d+)) v=(\d+)\/(\d+)/.exec(line);
      if (head !== null) {
        current.status = head[1] === undefined ? null : Number(head[1]);
        current.version = `${head[2] ?? ''}.${head[3] ?? ''}`;
      }
    } else if (line.endsWith(' message complete') && current !== undefined) {
      current.complete = true;
    } else if (line.includes(' error code=')) {
      errorCode = Number(/error code=(\d+)/.exec(line)?.[1]);
    } else if (line.startsWith('off=NULL finish=')) {
      finish = Number(line.slice('off=NULL finish='.length));
    }
  }
  return { messages, errorCode, finish };
}
