import type { Inference, Transport } from '../core/protocol.js';
import { parseDnsMessage } from './parse.js';

const KNOWN_CLASSES = new Set([1, 3, 4, 254, 255]);

/**
 * A DNS message has no magic bytes: confidence grows with how much validates. Header alone
 * (sane opcode and counts) is weak; a question that parses with a known class is better; a
 * message whose records all step cleanly is strong. Over TCP the length prefix must match.
 */
export function inferDns(b: Uint8Array, transport: Transport): Inference | null {
  let s = 0;
  let e = b.length;
  if (transport === 'tcp') {
    if (b.length < 14) return null;
    const len = ((b[0] ?? 0) << 8) | (b[1] ?? 0);
    if (len < 12) return null;
    s = 2; // several messages may follow each other; the first one is judged
    e = Math.min(b.length, 2 + len);
  }
  const m = parseDnsMessage(b, s, e);
  if (typeof m === 'string') return null;
  if (m.questions > 16 || m.answers + m.authorities + m.additionals > 512) return null;
  if (!m.response && (m.questions === 0 || m.answers > 0 || (m.rcode & 0x0f) !== 0)) return null;
  if (m.qname === null) return m.questions === 0 ? { kind: 'response', confidence: 0.2 } : null;
  // mDNS sets the top bit of the class (unicast-response / cache-flush).
  const knownClass = m.qclass !== null && KNOWN_CLASSES.has(m.qclass & 0x7fff);
  if (!knownClass) return null;
  const kind = m.response ? 'response' : 'request';
  let confidence = m.complete ? 0.7 : 0.5;
  // Unassigned opcodes (3, 7–15) occur only in tests and attacks: still DNS, less likely.
  if (m.opcode === 3 || m.opcode > 6) confidence -= 0.3;
  if (transport === 'tcp' && e === 2 + (((b[0] ?? 0) << 8) | (b[1] ?? 0))) confidence += 0.15;
  return { kind, confidence };
}
