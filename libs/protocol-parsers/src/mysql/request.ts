import { lenenc, readUint16, readUint32, utf8Decoder } from './payload.js';
import { COM, COMMAND_NAMES } from './types.js';

export interface CommandFields {
  command: number;
  sql: string | null;
  sqlTruncated: boolean;
  statementId: number | null;
  schema: string | null;
}

/** Bytes a binary-protocol value of `type` takes (MySQL's MYSQL_TYPE_*), or -1 for length-encoded. */
function fixedSize(type: number): number {
  switch (type) {
    case 6: return 0; // NULL
    case 1: return 1; // TINY
    case 2: case 13: return 2; // SHORT, YEAR
    case 3: case 9: case 4: return 4; // LONG, INT24, FLOAT
    case 8: case 5: return 8; // LONGLONG, DOUBLE
    default: return -1;
  }
}

/**
 * Where the SQL text of a COM_QUERY starts when it carries query attributes (CLIENT_QUERY_ATTRIBUTES):
 * parameter count, parameter-set count, null bitmap, types and names, values. Null when the bytes do
 * not parse as attributes. Attribute names and values are skipped, never kept.
 */
export function queryAttributesEnd(p: Uint8Array, length: number): number | null {
  const count = lenenc(p, 1);
  if (count === null) return null;
  const sets = lenenc(p, count.next);
  if (sets === null || sets.value !== 1 || count.value > 4096) return null;
  let o = sets.next;
  if (count.value === 0) return o;
  const bitmap = o;
  o += (count.value + 7) >> 3;
  if (p[o] !== 1) return null; // new-params-bound flag: types always follow in a query
  o++;
  const types: number[] = [];
  for (let i = 0; i < count.value; i++) {
    types.push(readUint16(p, o) & 0xff);
    const name = lenenc(p, o + 2);
    if (name === null) return null;
    o = name.next + name.value;
  }
  for (let i = 0; i < count.value; i++) {
    if (((p[bitmap + (i >> 3)] ?? 0) & (1 << (i & 7))) !== 0) continue;
    const type = types[i] ?? 0;
    const size = fixedSize(type);
    if (size >= 0) o += size;
    else if (type === 7 || type === 10 || type === 11 || type === 12) o += 1 + (p[o] ?? 0); // temporal: length byte
    else {
      const len = lenenc(p, o);
      if (len === null) return null;
      o = len.next + len.value;
    }
  }
  return o <= Math.min(length, p.length) ? o : null;
}

/** Text after the command byte: SQL of COM_QUERY / COM_STMT_PREPARE, schema of COM_INIT_DB. */
export function readCommand(p: Uint8Array, length: number, queryAttributes: boolean | null): CommandFields {
  const command = p[0] ?? 0;
  const out: CommandFields = { command, sql: null, sqlTruncated: false, statementId: null, schema: null };
  if (command === COM.QUERY || command === COM.STMT_PREPARE) {
    let start = 1;
    if (command === COM.QUERY) {
      // With the capability unknown (capture began mid-connection), SQL text never starts with a
      // control byte other than whitespace, while an attribute block starts with its count.
      const b = p[1] ?? 0x20;
      const looks = queryAttributes === true || (queryAttributes === null && b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
      const end = looks ? queryAttributesEnd(p, length) : null;
      if (end !== null) start = end;
    }
    out.sql = utf8Decoder.decode(p.subarray(start));
    out.sqlTruncated = p.length < length;
  } else if (command === COM.INIT_DB) {
    out.schema = utf8Decoder.decode(p.subarray(1));
  } else if (command === COM.STMT_EXECUTE || command === COM.STMT_CLOSE || command === COM.STMT_RESET ||
    command === COM.STMT_FETCH || command === COM.STMT_SEND_LONG_DATA) {
    out.statementId = readUint32(p, 1);
  }
  return out;
}

export function commandName(command: number): string {
  return COMMAND_NAMES[command] ?? `COM_0x${command.toString(16).padStart(2, '0')}`;
}

export function isKnownCommand(command: number | undefined): boolean {
  return command !== undefined && command !== 0x00 && command !== 0x0b && COMMAND_NAMES[command] !== undefined;
}
