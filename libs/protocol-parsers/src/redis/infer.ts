import { CR, LF, SP, isDigit } from '../core/bytes.js';
import type { Inference } from '../core/protocol.js';
import { MAX_COMMAND_LENGTH, REDIS_COMMANDS } from './commands.js';

/** `*<digits>\r\n$`: the array-of-bulk-strings every client library sends. */
function isRespCommand(b: Uint8Array): boolean {
  let i = 1;
  while (isDigit(b[i]) && i < 12) i++;
  return i > 1 && b[i] === CR && b[i + 1] === LF && b[i + 2] === 0x24 && b[1] !== 0x30;
}

/** A known command name followed by a space or the end of the line (telnet-style inline command). */
function isInlineCommand(b: Uint8Array): boolean {
  let i = 0;
  let name = '';
  while (i < b.length && i <= MAX_COMMAND_LENGTH) {
    const c = b[i] ?? 0;
    if (c === SP || c === CR || c === LF) break;
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f)) return false;
    name += String.fromCharCode(c & 0xdf);
    i++;
  }
  const end = b[i];
  if (i === 0 || !(end === SP || end === CR || end === LF) || !REDIS_COMMANDS.has(name)) return false;
  // `GET /…` is HTTP's request line (0.9 to 2.0), not a GET of a key named like a path.
  while (b[i] === SP) i++;
  return b[i] !== 0x2f;
}

/** Does the line from `i` end with CRLF within `max` bytes, all of it digits (after an optional '-')? */
function digitsLine(b: Uint8Array, i: number, max: number): boolean {
  let k = b[i] === 0x2d ? i + 1 : i;
  const start = k;
  while (isDigit(b[k]) && k - i < max) k++;
  return k > start && b[k] === CR && b[k + 1] === LF;
}

/**
 * Names a Redis stream from its first bytes. A RESP command array is near certain; an inline
 * known command less so; replies (`+OK`, `-ERR`, `:1`, `$3`) share their bytes with many text
 * protocols and rank lowest.
 */
export function inferRedis(b: Uint8Array): Inference | null {
  const c = b[0];
  if (c === undefined) return null;
  if (c === 0x2a && isRespCommand(b)) return { kind: 'request', confidence: 0.9 };
  if (isInlineCommand(b)) return { kind: 'request', confidence: 0.6 };
  if (c === 0x2b && b[1] === 0x4f && b[2] === 0x4b && b[3] === CR) return { kind: 'response', confidence: 0.5 }; // +OK
  if (c === 0x2d && b[1] === 0x45 && b[2] === 0x52 && b[3] === 0x52) return { kind: 'response', confidence: 0.45 }; // -ERR
  if (c === 0x2b && b[1] === 0x50 && b[2] === 0x4f && b[3] === 0x4e && b[4] === 0x47) return { kind: 'response', confidence: 0.5 }; // +PONG
  if ((c === 0x3a || c === 0x24 || c === 0x2a) && digitsLine(b, 1, 20)) return { kind: 'response', confidence: 0.3 };
  return null;
}
