/**
 * Readers for the packet payloads Kinsight keeps: OK, ERR, EOF, result-set headers, the capability
 * flags of the handshake. Payloads may be cut at the decoder's cap; readers never read past them.
 */

export const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** Length-encoded integer at `o`: value and the index after it, or null when cut or malformed. */
export function lenenc(b: Uint8Array, o: number): { value: number; next: number } | null {
  const first = b[o];
  if (first === undefined) return null;
  if (first < 0xfb) return { value: first, next: o + 1 };
  const size = first === 0xfc ? 2 : first === 0xfd ? 3 : first === 0xfe ? 8 : 0;
  if (size === 0 || o + 1 + size > b.length) return null;
  let value = 0;
  // 8-byte values beyond 2^53 lose precision; row counts and ids never get there.
  for (let i = size - 1; i >= 0; i--) value = value * 256 + (b[o + 1 + i] ?? 0);
  return { value, next: o + 1 + size };
}

export function readUint16(b: Uint8Array, o: number): number {
  return (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
}

export function readUint32(b: Uint8Array, o: number): number {
  return ((b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24)) >>> 0;
}

export interface ErrPacket {
  code: number;
  sqlstate: string | null;
  message: string;
}

/** ERR: 0xFF, error code, then `#` and a 5-character SQLSTATE (protocol 4.1), then the message. */
export function readErr(p: Uint8Array): ErrPacket {
  const code = readUint16(p, 1);
  const marked = p[3] === 0x23 && p.length >= 9;
  const sqlstate = marked ? String.fromCharCode(...p.subarray(4, 9)) : null;
  return { code, sqlstate, message: utf8Decoder.decode(p.subarray(marked ? 9 : 3)) };
}

/** OK (0x00, or 0xFE when it ends a result set): affected rows and status flags. */
export function readOk(p: Uint8Array): { affectedRows: number | null; status: number } {
  const affected = lenenc(p, 1);
  const insertId = affected === null ? null : lenenc(p, affected.next);
  return { affectedRows: affected?.value ?? null, status: insertId === null ? 0 : readUint16(p, insertId.next) };
}

/**
 * A 0xFE packet ends a result set (EOF, or OK with a 0xFE header): a row starting with 0xFE would
 * announce a string of at least 16 MiB, longer than any single packet.
 */
export function isTerminator(p: Uint8Array, length: number): boolean {
  return p[0] === 0xfe && length < 0xffffff;
}

/** Status flags of a result-set terminator: EOF (0xFE warnings status) or OK-with-0xFE header. */
export function terminatorStatus(p: Uint8Array, length: number): number {
  return length <= 5 ? readUint16(p, 3) : readOk(p).status;
}

/** Capabilities from the HandshakeResponse41 (first 4 bytes), 0 for the 3.20 format. */
export function handshakeResponseCapabilities(p: Uint8Array): number {
  const low = readUint16(p, 0);
  return (low & 0x200) !== 0 ? readUint32(p, 0) : low;
}
