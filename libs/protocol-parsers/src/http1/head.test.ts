import { describe, expect, it } from 'vitest';
import { HeadAccumulator, stepHead } from './head.js';
import { HTTP1_METHODS, OBSERVED_METHODS, methodAt } from './methods.js';
import { DEFAULT_HTTP1_LIMITS, type Http1Limits } from './types.js';

const OBSERVER: Http1Limits = { ...DEFAULT_HTTP1_LIMITS, acceptBareLf: true, lenient: true };
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

/** Every field of an accumulator but the strings it remembers across messages on purpose. */
function fieldsOf(acc: HeadAccumulator): Record<string, unknown> {
  const { seen: _seen, ...fields } = acc;
  return fields;
}

describe('HeadAccumulator.reset', () => {
  it('leaves every field as a new accumulator has it, after a head that set them all', () => {
    const acc = new HeadAccumulator();
    const head = bytes(
      'GET /a b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\nTransfer-Encoding: gzip, chunked\r\n' +
        'Connection: close, keep-alive, upgrade\r\nUpgrade: h2c\r\nExpect: 100-continue\r\n' +
        'traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n bad fold\r\n\r\n',
    );
    const step = stepHead(head, acc, 'request', OBSERVER);
    expect(step.status).toBe('complete');
    expect(fieldsOf(acc)).not.toEqual(fieldsOf(new HeadAccumulator()));
    expect(acc.tolerated.length).toBeGreaterThan(0);
    expect(acc.trace.length).toBe(1);

    acc.reset();
    expect(fieldsOf(acc)).toEqual(fieldsOf(new HeadAccumulator()));
    // A field added to the class but not to reset() shows up here as a key the fresh one has in another state.
    expect(Object.keys(acc).sort()).toEqual(Object.keys(new HeadAccumulator()).sort());
  });

  it('reads a repeated target, host and reason as equal strings on the next message', () => {
    const acc = new HeadAccumulator();
    const first = bytes('GET /x?y=1 HTTP/1.1\r\nHost: svc\r\n\r\n');
    stepHead(first, acc, 'request', OBSERVER);
    const target = acc.target;
    acc.reset();
    stepHead(bytes('GET /x?y=1 HTTP/1.1\r\nHost: svc\r\n\r\n'), acc, 'request', OBSERVER);
    expect(acc.target).toBe(target);
    expect(acc.host).toBe('svc');
    acc.reset();
    stepHead(bytes('GET /x?y=2 HTTP/1.1\r\nHost: svd\r\n\r\n'), acc, 'request', OBSERVER);
    expect([acc.target, acc.host]).toEqual(['/x?y=2', 'svd']);
  });
});

describe('methodAt', () => {
  it('answers what building the string and asking the method sets answers', () => {
    const tokens = [...HTTP1_METHODS, ...OBSERVED_METHODS, 'get', 'GETS', 'GE', '', 'M-SEARCH', 'CCM_POST', 'VERSION-CONTROLX', 'X'];
    for (const token of tokens) {
      const b = bytes(` ${token} `);
      const end = 1 + token.length;
      expect(methodAt(b, 1, end, false)).toBe(HTTP1_METHODS.has(token) ? token : null);
      expect(methodAt(b, 1, end, true)).toBe(HTTP1_METHODS.has(token) || OBSERVED_METHODS.has(token) ? token : null);
    }
  });
});
