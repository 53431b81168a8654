import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  decodePieces, parseLlhttpFixtures, splitAtEveryBoundary,
  type DecodeSummary, type DecodedMessage, type LlhttpFixture,
} from '../testing/index.js';
import type { Http1ErrorCode, Http1FinishResult } from './types.js';

// llhttp's own fixtures (nodejs/llhttp test/**/*.md) run against our decoder in
// llhttp's default (strict) mode. Fixtures we answer differently on purpose are
// listed in KNOWN_DIFFERENCES.md and here, with the code we give instead.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpus = path.resolve(repoRoot, '../shared/corpora/http1/vectors/llhttp');

const KNOWN_DIFFERENCES: Readonly<Record<string, Http1ErrorCode>> = {
  'request__method.md:372': 'unsupported-protocol', // SOURCE … ICE/1.0
  'request__method.md:400': 'unsupported-protocol', // OPTIONS … RTSP/1.0
  'request__method.md:430': 'invalid-method', // ANNOUNCE is an RTSP-only method
  'request__sample.md:314': 'unsupported-version', // HTTP/0.9 `GET /`
  'response__sample.md:40': 'unsupported-protocol', // RTSP/1.1 200 OK
  'response__sample.md:60': 'unsupported-protocol', // ICE/1.1 200 OK
  'response__sample.md:645': 'unsupported-version', // HTTP/0.9 200 OK
};

/** Modes llhttp's default parser runs in (`*-finish` adds a call to llhttp_finish). */
const DEFAULT_MODES = new Set(['request', 'response', 'request-finish', 'response-finish']);
const ERROR_FIXTURES = 80;
const FINISH: readonly Http1FinishResult[] = ['idle', 'message-end', 'truncated'];

const fixtures: LlhttpFixture[] = readdirSync(corpus)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .flatMap((f) => parseLlhttpFixtures(readFileSync(path.join(corpus, f), 'utf8'), f));

/** Not run: other parser modes, and `skipBody` on a request (no HTTP meaning). */
function exclusion(f: LlhttpFixture): string | null {
  if (f.type === null) return 'URL parser test, not a message';
  if (!DEFAULT_MODES.has(f.type)) return `lenient mode ${f.type}`;
  if (f.meta['skipBody'] === true && f.type === 'request') return 'skipBody on a request';
  return null;
}

const runnable = fixtures.filter((f) => exclusion(f) === null);

function kindOf(f: LlhttpFixture): 'request' | 'response' {
  return f.type?.startsWith('request') === true ? 'request' : 'response';
}

function decode(f: LlhttpFixture, pieces: Uint8Array[]): DecodeSummary {
  // llhttp's skipBody on a response means "answer to HEAD".
  const requestMethod = f.meta['skipBody'] === true ? 'HEAD' : undefined;
  return decodePieces(kindOf(f), pieces, { requestMethod, finish: f.finish !== null });
}

function expectedHeads(f: LlhttpFixture): DecodedMessage[] {
  const heads = f.messages
    .filter((m) => m.version !== null)
    .map((m) => ({ method: m.method, url: m.url, status: m.status, version: m.version ?? '', bodyBytes: m.bodyBytes, complete: m.complete }));
  const last = heads.at(-1);
  if (f.finish === 1 && last !== undefined) last.complete = true;
  return heads;
}

function assertLikeLlhttp(f: LlhttpFixture, got: DecodeSummary): void {
  const heads = expectedHeads(f);
  if (f.errorCode !== null && f.errorCode !== 22) {
    expect(got.invalid).not.toBeNull();
    // llhttp may report a head and then reject it (e.g. a bad Transfer-Encoding); we reject the head.
    expect(got.messages).toEqual(heads.slice(0, got.messages.length));
    expect(heads.length - got.messages.length).toBeLessThanOrEqual(1);
    return;
  }
  expect(got.invalid).toBeNull();
  expect(got.messages).toEqual(heads);
  if (f.errorCode === 22) expect(got.phase).toBe(kindOf(f) === 'request' ? 'upgrade-pending' : 'upgraded');
  if (f.finish !== null) expect(got.finish).toBe(FINISH[f.finish]);
}

describe('llhttp fixtures', () => {
  it('finds every fixture file and case', () => {
    expect(fixtures.length).toBe(251);
    expect(runnable.length).toBe(213);
    expect(runnable.filter((f) => f.errorCode !== null && f.errorCode !== 22).length).toBe(ERROR_FIXTURES);
    expect(Object.keys(KNOWN_DIFFERENCES).every((loc) => runnable.some((f) => f.location === loc))).toBe(true);
  });

  for (const f of runnable) {
    it(`${f.location} ${f.name}`, () => {
      const whole = decode(f, [f.input]);
      const known = KNOWN_DIFFERENCES[f.location];
      if (known !== undefined) expect(whole.invalid).toBe(known);
      else assertLikeLlhttp(f, whole);
      for (const pieces of splitAtEveryBoundary(f.input)) expect(decode(f, pieces)).toEqual(whole);
    });
  }
});
