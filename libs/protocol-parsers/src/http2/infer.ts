import type { Inference } from '../core/protocol.js';
import { startsLikePreface } from './direction.js';
import { plausibleFrameHeader } from './parse.js';
import { DEFAULT_MAX_FRAME_SIZE, FRAME_TYPE } from './types.js';

/**
 * The client preface is proof (confidence 1; a prefix of at least `PRI * ` is
 * nearly so). Without it, a capture that starts mid-connection can only offer a
 * plausible frame header: SETTINGS (the server's first frame) or HEADERS at offset 0,
 * with every following frame header in the bytes plausible too.
 */
export function inferHttp2(b: Uint8Array): Inference | null {
  if (b.length >= 6 && startsLikePreface(b)) return { kind: 'request', confidence: b.length >= 24 ? 1 : 0.9 };
  if (!plausibleFrameHeader(b, 0, DEFAULT_MAX_FRAME_SIZE)) return null;
  const type = b[3];
  if (type !== FRAME_TYPE.SETTINGS && type !== FRAME_TYPE.HEADERS) return null;
  for (let o = 0; o + 9 <= b.length;) {
    if (!plausibleFrameHeader(b, o, DEFAULT_MAX_FRAME_SIZE)) return null;
    o += 9 + (((b[o] ?? 0) << 16) | ((b[o + 1] ?? 0) << 8) | (b[o + 2] ?? 0));
  }
  if (type === FRAME_TYPE.SETTINGS) {
    // Setting ids are 1..6 (plus a few extensions below 0x10); random bytes rarely are.
    const len = ((b[1] ?? 0) << 8) | (b[2] ?? 0);
    for (let o = 9; o + 6 <= Math.min(b.length, 9 + len); o += 6) if ((b[o] ?? 0) !== 0 || (b[o + 1] ?? 0) > 0x10) return null;
    return { kind: 'response', confidence: 0.6 };
  }
  return { kind: 'request', confidence: 0.5 };
}
