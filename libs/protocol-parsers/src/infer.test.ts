import { describe, expect, it } from 'vitest';
import { inferProtocol } from './registry.js';
import { seededRandom, utf8 } from './testing/index.js';

describe('inferProtocol', () => {
  it.each([
    ['GET / HTTP/1.1\r\n', 'request'],
    ['M-SEARCH * HTTP/1.1\r\n', 'request'],
    ['CONNECT db:5432 HTTP/1.0\r\n', 'request'],
    ['POST /a?b=c HTTP/1.1', 'request'],
    ['HTTP/1.1 200 OK\r\n', 'response'],
    ['HTTP/1.0 404', 'response'],
  ] as const)('%j is an HTTP/1 %s', (text, kind) => {
    expect(inferProtocol(utf8(text))).toEqual({ protocol: 'http1', kind, confidence: 0.95 });
  });

  it('names the HTTP/2 client preface http2, with certainty', () => {
    expect(inferProtocol(utf8('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'))).toEqual({ protocol: 'http2', kind: 'request', confidence: 1 });
  });

  it.each([
    '', 'GET', 'GET / HTTP/2.0\r\n', 'GET / HTTP/1.', 'get / HTTP/1.1\r\n', 'FETCH / HTTP/1.1\r\n',
    'GET  / HTTP/1.1\r\n', 'GET /\r\n', 'HTTP/1.1 20', 'HTTP/1.1 099 x',
    'HTTP/2 200', 'RTSP/1.0 200 OK', '\x16\x03\x01\x02\x00', 'SSH-2.0-OpenSSH_9.2',
  ])('%j is not', (text) => {
    expect(inferProtocol(utf8(text))).toBeNull();
  });

  it('answers null for 10 000 random binary buffers without throwing', () => {
    const rand = seededRandom(7);
    let matches = 0;
    for (let n = 0; n < 10_000; n++) {
      const b = new Uint8Array(1 + Math.floor(rand() * 64));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
      if (inferProtocol(b) !== null) matches++;
    }
    expect(matches).toBe(0);
  });
});
