import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/index.js';
import { extractTraceContext } from './extract.js';

const W3C = ['traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'] as const;

describe('Jaeger uber-trace-id', () => {
  it('pads ids, reads the sampled bit and the url-encoded form', () => {
    expect(extractTraceContext([['uber-trace-id', '5f8b1c1e7a2b3c4d:6e7f8091a2b3c4d5:0:1']])).toEqual({
      trace_id: '5f8b1c1e7a2b3c4d', span_id: '6e7f8091a2b3c4d5', format: 'jaeger', sampled: true,
    });
    expect(extractTraceContext([['Uber-Trace-Id', 'ABC%3Adef%3a0%3A0']])).toEqual({
      trace_id: '0000000000000abc', span_id: '0000000000000def', format: 'jaeger', sampled: false,
    });
    expect(extractTraceContext([['uber-trace-id', '1234567890abcdef1:1:0:3']])?.trace_id).toBe('0000000000000001234567890abcdef1');
  });

  it('rejects malformed values', () => {
    for (const bad of ['0:1:0:1', '1:0:0:1', '1:1:0', '1:1:0:1:1', 'x:1:0:1', '1:1:0:256', '1:1:0:', `${'1'.repeat(33)}:1:0:1`]) {
      expect(extractTraceContext([['uber-trace-id', bad]]), bad).toBeNull();
    }
  });
});

describe('SkyWalking sw8', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const sw8 = (sample: string, trace: string, segment: string, span: string) =>
    [sample, b64(trace), b64(segment), span, b64('svc'), b64('inst'), b64('/endpoint'), b64('10.0.0.1:8080')].join('-');

  it('decodes the base64 trace and segment ids', () => {
    expect(extractTraceContext([['sw8', sw8('1', 'a1b2.88.16392', 'c3d4.90.16393', '3')]])).toEqual({
      trace_id: 'a1b2.88.16392', span_id: 'c3d4.90.16393-3', format: 'sw8', sampled: true,
    });
    expect(extractTraceContext([['SW8', sw8('0', 't', 's', '0')]])?.sampled).toBe(false);
  });

  it('rejects malformed values', () => {
    for (const bad of [
      sw8('2', 't', 's', '1'), sw8('1', 't', 's', 'x'), sw8('1', '', 's', '1'), '1-dA==-cw==-1', `${sw8('1', 't', 's', '1')}-x`,
      sw8('1', 't', 's', '1').replace(b64('t'), '@@@@'), sw8('1', 't\n', 's', '1'),
    ]) {
      expect(extractTraceContext([['sw8', bad]]), bad).toBeNull();
    }
  });
});

describe('extractTraceContext precedence', () => {
  const all = [
    ['sw8', `1-${Buffer.from('t').toString('base64')}-${Buffer.from('s').toString('base64')}-1-c3Zj-aW5zdA==-L2U=-YQ==`],
    ['uber-trace-id', '1:2:0:1'],
    ['X-B3-TraceId', '80f198ee56343ba864fe8b2a57d3eff7'], ['X-B3-SpanId', 'e457b5a2e4d86bd1'],
    ['b3', '463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312'],
    W3C,
  ] as const;

  it('prefers W3C, then b3 single, B3 multi, Jaeger, sw8; an invalid format falls through', () => {
    const formats: string[] = [];
    for (let k = all.length; k > 0; k--) formats.push(extractTraceContext(all.slice(0, k))?.format ?? 'none');
    // Without X-B3-SpanId the multi-header context is incomplete, so Jaeger answers.
    expect(formats).toEqual(['w3c', 'b3-single', 'b3', 'jaeger', 'jaeger', 'sw8']);
    expect(extractTraceContext([['traceparent', 'garbage'], ['uber-trace-id', '1:2:0:1']])?.format).toBe('jaeger');
  });

  it('ignores every other header, including credentials', () => {
    expect(extractTraceContext([['authorization', 'Bearer x'], ['cookie', 'a=b'], ['x-b3', '1']])).toBeNull();
  });

  it('never throws on random header values (2000 seeded inputs)', () => {
    const rand = seededRandom(77);
    const names = ['traceparent', 'tracestate', 'b3', 'X-B3-TraceId', 'X-B3-SpanId', 'uber-trace-id', 'sw8'];
    const alphabet = '0123456789abcdefABCDEF-:=,@%3A \t+/=.\u00ff\u0000';
    for (let n = 0; n < 2000; n++) {
      const headers: Array<[string, string]> = [];
      for (let h = 0; h < 1 + Math.floor(rand() * 4); h++) {
        let v = '';
        for (let i = Math.floor(rand() * 80); i > 0; i--) v += alphabet[Math.floor(rand() * alphabet.length)] ?? '';
        headers.push([names[Math.floor(rand() * names.length)] ?? 'b3', v]);
      }
      const ctx = extractTraceContext(headers);
      if (ctx !== null) expect(ctx.trace_id.length).toBeGreaterThan(0);
    }
  });
});
