import { isKnownCommand } from './request.js';
import { COM } from './types.js';

function header(b: Uint8Array, o: number): { length: number; seq: number } | null {
  if (o + 4 > b.length) return null;
  return { length: (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16), seq: b[o + 3] ?? 0 };
}

/** The packet at `o` is whole in `b` or runs past its end, and what follows looks like a header too. */
function framesCleanly(b: Uint8Array, length: number, nextSeqs: readonly number[]): boolean {
  const end = 4 + length;
  if (end >= b.length) return true;
  const next = header(b, end);
  return next === null || nextSeqs.includes(next.seq);
}

function textLike(c: number | undefined): boolean {
  return c !== undefined && (c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d);
}

/** A command packet: sequence id 0 and a known command byte (how a mid-stream start resynchronises). */
export function isMysqlCommandStart(b: Uint8Array): boolean {
  const h = header(b, 0);
  if (h === null || h.seq !== 0 || h.length < 1 || b.length < 5) return false;
  const command = b[4];
  if (!isKnownCommand(command)) return false;
  if ((command === COM.QUERY || command === COM.STMT_PREPARE) && h.length < 2) return false;
  return framesCleanly(b, h.length, [0, 1]);
}

/** The server's greeting: sequence 0, protocol version 10, a printable version string ended by NUL. */
export function isGreeting(b: Uint8Array): boolean {
  const h = header(b, 0);
  if (h === null || h.seq !== 0 || b[4] !== 0x0a || h.length < 20 || h.length > 1024) return false;
  const nul = b.indexOf(0, 5);
  if (nul < 6 || nul > 5 + 64) return false;
  for (let i = 5; i < nul; i++) if (!textLike(b[i]) || (b[i] ?? 0) >= 0x7f) return false;
  return true;
}

/** A connection refused before the handshake: sequence 0, ERR, a 4-digit error code, printable text. */
export function isRefusal(b: Uint8Array): boolean {
  const h = header(b, 0);
  if (h === null || h.seq !== 0 || b[4] !== 0xff || h.length < 4 || h.length > 1024 || 4 + h.length !== b.length) return false;
  const code = (b[5] ?? 0) | ((b[6] ?? 0) << 8);
  return code >= 1000 && code < 10000 && textLike(b[7]);
}

/**
 * The first packet of a response (sequence id 1: OK, ERR, EOF, LOCAL INFILE or a column count), or the
 * greeting on a fresh connection.
 */
export function isMysqlResponseStart(b: Uint8Array, expecting: boolean): boolean {
  if (isGreeting(b) || isRefusal(b)) return true;
  if (!expecting) return false;
  const h = header(b, 0);
  if (h === null || h.seq !== 1 || h.length < 1 || b.length < 5) return false;
  const first = b[4] ?? 0;
  const plausible = first === 0x00 || first === 0xff || first === 0xfe || first === 0xfb || (first >= 1 && first < 0xfb && h.length === 1);
  return plausible && framesCleanly(b, h.length, [2]);
}

/** Protocol inference from the first bytes of a direction. */
export function inferMysql(b: Uint8Array): { kind: 'request' | 'response'; confidence: number } | null {
  if (isGreeting(b)) return { kind: 'response', confidence: 0.9 };
  if (isRefusal(b)) return { kind: 'response', confidence: 0.7 };
  if (!isMysqlCommandStart(b)) return null;
  const h = header(b, 0);
  const command = b[4];
  if (h === null) return null;
  // A whole COM_QUERY with printable SQL is convincing; a 5-byte COM_PING alone is not.
  if ((command === COM.QUERY || command === COM.STMT_PREPARE) && 4 + h.length === b.length && textLike(b[5])) {
    return { kind: 'request', confidence: 0.8 };
  }
  return 4 + h.length === b.length ? { kind: 'request', confidence: 0.4 } : null;
}

/**
 * A first read too short to judge (a few header bytes, a greeting without its version's NUL yet):
 * what a fresh direction may start with. The decoder and stitcher reject it later if it was not.
 */
export function couldStartMysql(b: Uint8Array, direction: 'request' | 'response'): boolean {
  if (b.length === 0 || b.length >= 64) return false;
  const seq = b[3];
  if (direction === 'request') return b.length < 36 && (seq === undefined || seq === 0 || seq === 1);
  if (b.indexOf(0, 5) >= 0 && b.length >= 5) return false;
  return (seq === undefined || seq === 0) && (b[4] === undefined || b[4] === 0x0a);
}
