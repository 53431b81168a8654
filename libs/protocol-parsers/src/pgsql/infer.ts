import { readInt32 } from './parse.js';
import {
  BACKEND_TYPES, CANCEL_REQUEST_CODE, FRONTEND_TYPES, GSSENC_REQUEST_CODE, SSL_REQUEST_CODE, type PgsqlFraming,
} from './types.js';

const MAX_REGULAR_LENGTH = 0x40000000;

/** A startup packet: SSLRequest, GSSENCRequest, CancelRequest or a v3 StartupMessage. */
export function isStartupPacket(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  const length = readInt32(b, 0);
  const code = readInt32(b, 4);
  if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) return length === 8;
  if (code === CANCEL_REQUEST_CODE) return length === 16;
  // StartupMessage: protocol 3.x, parameters end with a zero byte, "user" is required.
  return code >>> 16 === 3 && length >= 9 && length <= 10000 && (length > b.length || b[length - 1] === 0);
}

/**
 * Whether `b` starts with a whole-looking regular message: a known type byte, a sane length, and
 * (when the chunk holds more) another known type byte right after it.
 */
export function isRegularStart(b: Uint8Array, known: ReadonlySet<number>): boolean {
  if (b.length === 0 || !known.has(b[0] ?? 0)) return false;
  // A read may end inside the header: accept a prefix whose length bytes can still be sane.
  if (b.length < 5) return (b[1] ?? 0) < 0x40;
  const length = readInt32(b, 1);
  if (length < 4 || length > MAX_REGULAR_LENGTH) return false;
  const end = 1 + length;
  if (b[0] === 0x51 /* Query */ && end <= b.length && b[end - 1] !== 0) return false;
  return end >= b.length || known.has(b[end] ?? 0);
}

/**
 * The framing a direction is in when `b` starts a message, or null when it does not look like one:
 * how a stitcher picks a stream up at its start or after losing sync.
 */
export function plausibleStart(b: Uint8Array, direction: 'request' | 'response', fresh: boolean): PgsqlFraming | null {
  if (direction === 'request') {
    // The first read may hold only part of the startup packet's 8-byte header.
    if (fresh && (isStartupPacket(b) || (b.length < 8 && b.length > 0 && b[0] === 0 && (b[1] ?? 0) === 0))) return 'startup';
    return isRegularStart(b, FRONTEND_TYPES) ? 'regular' : null;
  }
  return isRegularStart(b, BACKEND_TYPES) ? 'regular' : null;
}

const AUTH_CODES = new Set([0, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12]);

/** Protocol inference from the first bytes of a direction. */
export function inferPgsql(b: Uint8Array): { kind: 'request' | 'response'; confidence: number } | null {
  if (isStartupPacket(b)) return { kind: 'request', confidence: 0.9 };
  if (b.length < 6) return null; // a header alone proves nothing
  const type = b[0];
  if (type === 0x52 /* Authentication */ && b.length >= 9) {
    const length = readInt32(b, 1);
    if (length >= 8 && length < 1024 && AUTH_CODES.has(readInt32(b, 5))) return { kind: 'response', confidence: 0.85 };
  }
  if ((type === 0x51 || type === 0x50) && isRegularStart(b, FRONTEND_TYPES) && readInt32(b, 1) + 1 <= b.length) {
    return { kind: 'request', confidence: 0.6 };
  }
  if (isRegularStart(b, BACKEND_TYPES) && readInt32(b, 1) + 1 <= b.length && (type === 0x54 || type === 0x43 || type === 0x45 || type === 0x5a)) {
    return { kind: 'response', confidence: 0.5 };
  }
  return null;
}
