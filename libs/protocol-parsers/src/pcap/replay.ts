// Conversations → replay records (the stable `npm run replay` schema). Shared by the CLI, the corpus
// agreement test and the benchmark, so all three read a capture the same way.
import type { ModuleName, ProtocolName } from '../core/protocol.js';
import type { StreamDirection } from '../core/stream.js';
import { inferProtocol, type InferredProtocol, PROTOCOL_MODULES, protocolModule } from '../registry.js';
import type { Transaction } from '../transaction.js';
import { formatEndpoint } from './address.js';
import { readCapture } from './capture.js';
import type { CaptureReadResult, Conversation } from './types.js';

/** One line of `npm run replay` output. */
export interface ReplayRecord {
  proto: ProtocolName;
  client: string;
  server: string;
  /** Request start, epoch seconds. */
  ts: number;
  /** Response end − request start, milliseconds; null without a response. */
  latency_ms: number | null;
  req: Record<string, unknown>;
  resp: Record<string, unknown> | null;
  trace: { trace_id: string; span_id: string } | null;
}

export interface ReplayOptions {
  /** Consider only these protocols; with exactly one, a stream inference cannot name is parsed as it. */
  only?: readonly ModuleName[];
}

export interface ReplayResult {
  capture: CaptureReadResult;
  /** In capture order of the request. */
  records: ReplayRecord[];
  /** Conversations that gave no transaction, each with why (for stderr). */
  problems: string[];
}

/** Every transaction member carries these times; the replay's `ts` and `latency_ms` come from them. */
interface TimedTransaction {
  request: { startNs: bigint };
  response: { endNs: bigint } | null;
}

/** How many leading bytes of each direction inference looks at. */
const INFER_BYTES = 1024;

export function replayCapture(bytes: Uint8Array, opts: ReplayOptions = {}): ReplayResult {
  const capture = readCapture(bytes);
  const { records, problems } = replayConversations(capture.conversations, opts);
  return { capture, records, problems };
}

export function replayConversations(conversations: readonly Conversation[], opts: ReplayOptions = {}): Omit<ReplayResult, 'capture'> {
  const timed: { startNs: bigint; record: ReplayRecord }[] = [];
  const problems: string[] = [];
  for (const conv of conversations) {
    if (conv.chunks.length === 0) continue;
    try {
      const problem = replayOne(conv, opts, timed);
      if (problem !== null) problems.push(`${describe(conv)}: ${problem}`);
    } catch (err) {
      // A parser bug must not cost the other conversations their output.
      problems.push(`${describe(conv)}: parser failed (${err instanceof Error ? err.message : String(err)}); please report it with this capture`);
    }
  }
  // Stable: ties keep conversation order, then the stitcher's request order.
  timed.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
  return { records: timed.map((t) => t.record), problems };
}

function replayOne(conv: Conversation, opts: ReplayOptions, out: { startNs: bigint; record: ReplayRecord }[]): string | null {
  const choice = chooseProtocol(conv, opts.only);
  if (choice === null) {
    return `no known protocol in the first bytes (client ${preview(conv, 'request')}; server ${preview(conv, 'response')})`;
  }
  const { protocol, swap } = choice;
  const module = protocolModule(protocol);
  const stitcher = module.createStitcher({ transport: conv.transport });
  const client = formatEndpoint(swap ? conv.server : conv.client);
  const server = formatEndpoint(swap ? conv.client : conv.server);
  let count = 0;
  const collect = (txs: Transaction[]): void => {
    for (const tx of txs) {
      count++;
      const t: TimedTransaction = tx;
      const startNs = t.request.startNs;
      const endNs = t.response?.endNs ?? null;
      const fields = module.toReplay(tx);
      for (const interim of fields.interim ?? []) {
        out.push({
          startNs,
          record: {
            proto: fields.proto, client, server, ts: epochSeconds(startNs), latency_ms: Number(interim.endNs - startNs) / 1e6,
            req: fields.req, resp: interim.resp, trace: fields.trace,
          },
        });
      }
      out.push({
        startNs,
        record: {
          proto: fields.proto, client, server, ts: epochSeconds(startNs),
          latency_ms: endNs === null ? null : Number(endNs - startNs) / 1e6,
          req: fields.req, resp: fields.resp, trace: fields.trace,
        },
      });
    }
  };
  for (const chunk of conv.chunks) {
    const direction: StreamDirection = swap === (chunk.direction === 'request') ? 'response' : 'request';
    stitcher.push(direction, chunk);
    collect(stitcher.take());
  }
  collect(stitcher.flush());
  if (count > 0) return null;
  const s = stitcher.stats;
  const invalid = Object.entries(s.invalid).map(([k, v]) => `${k}×${v ?? 0}`).join(', ') || 'none';
  return `${protocol} stream gave no transaction (invalid: ${invalid}; bytes skipped ${s.bytesSkipped}; upgraded ${s.upgraded})`;
}

/**
 * Asks inference about both directions and keeps the more confident answer. When it says the
 * capture's "client" sends responses (or the "server" sends requests), the roles are swapped.
 */
function chooseProtocol(conv: Conversation, only: readonly ModuleName[] | undefined): { protocol: ModuleName; swap: boolean } | null {
  const hint = { transport: conv.transport, port: conv.server.port, ...(only ? { only } : {}) };
  const fromClient = firstBytes(conv, 'request');
  const fromServer = firstBytes(conv, 'response');
  const a: InferredProtocol | null = fromClient.length > 0 ? inferProtocol(fromClient, hint) : null;
  const b: InferredProtocol | null = fromServer.length > 0 ? inferProtocol(fromServer, hint) : null;
  if (a !== null && (b === null || a.confidence >= b.confidence)) return { protocol: a.protocol, swap: a.kind === 'response' };
  if (b !== null) return { protocol: b.protocol, swap: b.kind === 'request' };
  const forced = only?.length === 1 ? only[0] : undefined;
  if (forced !== undefined && PROTOCOL_MODULES.some((m) => m.name === forced)) return { protocol: forced, swap: false };
  return null;
}

/** The first bytes of one direction, up to the first hole: one datagram for UDP, contiguous bytes for TCP. */
function firstBytes(conv: Conversation, direction: StreamDirection): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const chunk of conv.chunks) {
    if (chunk.direction !== direction) continue;
    if (chunk.data.length > 0) {
      parts.push(chunk.data);
      total += chunk.data.length;
    }
    if (conv.transport === 'udp' || total >= INFER_BYTES || chunk.size > chunk.data.length) break;
  }
  if (parts.length === 1 && parts[0] !== undefined) return parts[0].subarray(0, INFER_BYTES);
  const joined = new Uint8Array(Math.min(total, INFER_BYTES));
  let off = 0;
  for (const p of parts) {
    if (off >= joined.length) break;
    const n = Math.min(p.length, joined.length - off);
    joined.set(p.subarray(0, n), off);
    off += n;
  }
  return joined;
}

function preview(conv: Conversation, direction: StreamDirection): string {
  const bytes = firstBytes(conv, direction);
  if (bytes.length === 0) return 'sent nothing';
  const hex = Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${bytes.length}${bytes.length >= INFER_BYTES ? '+' : ''} bytes starting ${hex}`;
}

function describe(conv: Conversation): string {
  return `${conv.transport} ${formatEndpoint(conv.client)} → ${formatEndpoint(conv.server)} (conversation ${conv.id})`;
}

/** Epoch seconds as the nearest double to the exact decimal (no float drift from adding fractions). */
export function epochSeconds(ns: bigint): number {
  const sign = ns < 0n ? '-' : '';
  const abs = ns < 0n ? -ns : ns;
  return Number(`${sign}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, '0')}`);
}

/** One record as a JSON line; bigint fields a module might return are written as numbers. */
export function formatReplayRecord(record: ReplayRecord): string {
  return JSON.stringify(record, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value));
}
