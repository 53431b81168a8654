/**
 * The agent benchmark's pipeline ceiling: ring batches of real traffic (recorded by bench/run.ts) replayed
 * through decode → reassemble → parse → aggregate on one thread, in a process started with the agent's V8
 * flags. Prints one JSON line: transactions per CPU-second.
 *
 *   node <agent V8 flags> --import tsx bench/replay-ceiling.ts <batches file>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { protocolModule } from '@kinsight/protocol-parsers';
import { CaptureDecoder } from '../src/capture/index.js';
import { EdgeAggregator } from '../src/pipeline/aggregate.js';
import { ConnectionTracker } from '../src/pipeline/connections.js';
import { RouteLimiter } from '../src/pipeline/routes.js';

/** A ring batch as the agent receives it (libbpf-ts openRingBufferRaw). */
export interface RawBatch {
  bytes: Buffer;
  ends: Uint32Array;
}

export interface ReplayResult {
  perCpuSecond: number;
  transactions: number;
  firstPassPerCpuSecond: number;
}

/** Measured after the two uncounted passes: at least this long, and at least MIN_PASSES passes. */
const REPLAY_MS = 5_000;
const MIN_PASSES = 3;

/** Batches back to back: count, then per batch its byte length, record count, bytes and record ends (LE). */
export function writeBatches(path: string, batches: readonly RawBatch[]): void {
  const parts: Buffer[] = [u32(batches.length)];
  for (const b of batches) parts.push(u32(b.bytes.length), u32(b.ends.length), b.bytes, Buffer.from(b.ends.buffer, b.ends.byteOffset, b.ends.byteLength));
  writeFileSync(path, Buffer.concat(parts));
}

function readBatches(path: string): RawBatch[] {
  const all = readFileSync(path);
  const batches: RawBatch[] = [];
  let at = 4;
  for (let i = all.readUInt32LE(0); i > 0; i--) {
    const length = all.readUInt32LE(at);
    const count = all.readUInt32LE(at + 4);
    at += 8;
    // Each batch in memory of its own, as the ring hands it over.
    const bytes = Buffer.from(all.subarray(at, at + length));
    at += length;
    const ends = new Uint32Array(count);
    for (let k = 0; k < count; k++) ends[k] = all.readUInt32LE(at + 4 * k);
    at += 4 * count;
    batches.push({ bytes, ends });
  }
  return batches;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/**
 * Transactions per CPU-second (CPU of every thread of this process, so V8's GC helpers count). Both sides of
 * every call are parsed here (the agent skips the server side of a call whose client it captures too), and
 * every transaction is attributed to one fixed edge (no /proc lookups). The first two passes are not counted:
 * V8 is still compiling the pipeline through them (the first runs at about two thirds of the steady rate, the
 * second often still below it), a cost an agent pays once.
 */
export function replayRate(batches: readonly RawBatch[]): ReplayResult {
  const client = { kind: 'service', name: 'bench-client' } as const;
  const server = { kind: 'service', name: 'bench-server:80' } as const;
  let transactions = 0;
  const pass = (): void => {
    const aggregator = new EdgeAggregator();
    const routes = new RouteLimiter();
    const tracker = new ConnectionTracker({
      onTransaction: (t) => {
        transactions++;
        const outcome = protocolModule(t.protocol).outcome(t.tx);
        const path = t.tx.protocol === 'http1' ? t.tx.request.path : null;
        aggregator.add({
          client, server, protocol: t.tx.protocol, operation: outcome.operation, status: outcome.status, error: outcome.error,
          route: path === null ? null : routes.route(server.name, path), startEpochMs: 1_700_000_000_000, latencyMs: 1,
        });
      },
    });
    const decoder = new CaptureDecoder();
    for (const batch of batches) tracker.handle(decoder.decodeRaw(batch.bytes, batch.ends));
    tracker.closeAll();
  };
  const cpuSeconds = (since: NodeJS.CpuUsage): number => {
    const cpu = process.cpuUsage(since);
    return (cpu.user + cpu.system) / 1e6;
  };
  const warmStart = process.cpuUsage();
  pass();
  const firstPassPerCpuSecond = transactions / cpuSeconds(warmStart);
  pass();
  transactions = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = Date.now();
  for (let passes = 0; passes < MIN_PASSES || Date.now() - wallStart < REPLAY_MS; passes++) pass();
  return { perCpuSecond: transactions / cpuSeconds(cpuStart), transactions, firstPassPerCpuSecond };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: replay-ceiling.ts <batches file>');
  process.stdout.write(`${JSON.stringify(replayRate(readBatches(file)))}\n`);
}
