import { randomUUID } from 'node:crypto';
import type { AppRouter } from '@kinsight/api/router';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs } from '@trpc/server';
import type { Logger } from 'pino';
import type { EdgeRow } from './aggregate.js';
import { BatchSpool } from './spool.js';

export type IngestBatch = inferRouterInputs<AppRouter>['ingest']['batch'];
/** Everything a batch carries besides its envelope (id, agent, time). */
export type BatchSections = Omit<IngestBatch, 'batchId' | 'agent' | 'sentAt'>;

export interface SenderOptions {
  apiUrl: string;
  token: string;
  agent: { id: string; hostname: string; version: string; cluster?: string };
  log: Logger;
  /** keep batches on disk here, so they survive an agent restart; in memory when unset */
  spoolDir?: string;
  /** batches waiting; the oldest is dropped (and counted) beyond it */
  maxQueuedBatches?: number;
  /** bytes the on-disk spool may hold */
  maxSpoolBytes?: number;
  /** rows per batch; the API caps a batch at 10,000 */
  maxRowsPerBatch?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface SenderStats {
  queued: number;
  sent: number;
  duplicates: number;
  rejected: number;
  dropped: number;
  retries: number;
}

/** The queue the send loop works through; the on-disk spool or, without a spool dir, memory. */
interface BatchQueue {
  readonly length: number;
  readonly dropped: number;
  append(batch: IngestBatch): void;
  peek(): { seq: number; item: IngestBatch } | null;
  remove(seq: number): void;
}

class MemoryQueue implements BatchQueue {
  private readonly items: { seq: number; item: IngestBatch }[] = [];
  private seq = 0;
  dropped = 0;
  constructor(private readonly max: number) {}
  get length() {
    return this.items.length;
  }
  append(item: IngestBatch) {
    this.items.push({ seq: ++this.seq, item });
    while (this.items.length > this.max) {
      this.items.shift();
      this.dropped++;
    }
  }
  peek() {
    return this.items[0] ?? null;
  }
  remove(seq: number) {
    if (this.items[0]?.seq === seq) this.items.shift();
  }
}

class SpoolQueue implements BatchQueue {
  constructor(private readonly spool: BatchSpool<IngestBatch>) {}
  get length() {
    return this.spool.length;
  }
  get dropped() {
    return this.spool.counters.dropped;
  }
  append(item: IngestBatch) {
    this.spool.append(item);
  }
  peek() {
    return this.spool.peek();
  }
  remove(seq: number) {
    this.spool.remove(seq);
  }
}

/** tRPC's error code and, for backpressure, the delay the API asked for. */
function refusal(err: unknown): { code: string | undefined; retryAfterMs: number | null } {
  if (!(err instanceof TRPCClientError)) return { code: undefined, retryAfterMs: null };
  const data = err.data as { code?: string; retryAfterSeconds?: number } | undefined;
  return { code: data?.code, retryAfterMs: typeof data?.retryAfterSeconds === 'number' ? data.retryAfterSeconds * 1000 : null };
}

/**
 * Send stage: batches go out one at a time, in the order they were spooled. A failed delivery is
 * retried with the same batch id (the API stores a batch once), with exponential backoff, or after
 * the delay a TOO_MANY_REQUESTS answer named. A batch the API calls malformed is dropped and counted:
 * sending it again cannot help. With `spoolDir`, batches wait on disk and survive a restart.
 */
export class BatchSender {
  private readonly queue: BatchQueue;
  private readonly client;
  private sending: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly counts = { sent: 0, duplicates: 0, rejected: 0, retries: 0 };

  constructor(private readonly opts: SenderOptions) {
    const maxBatches = opts.maxQueuedBatches ?? 1_000;
    this.queue = opts.spoolDir
      ? new SpoolQueue(new BatchSpool<IngestBatch>({ dir: opts.spoolDir, maxBatches, maxBytes: opts.maxSpoolBytes ?? 256 * 1024 * 1024 }))
      : new MemoryQueue(maxBatches);
    this.client = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: new URL('/trpc', opts.apiUrl).toString(),
          headers: () => ({ authorization: `Bearer ${opts.token}` }),
        }),
      ],
    });
    // Batches left on disk by an earlier run go out first.
    if (this.queue.length > 0) this.kick();
  }

  get stats(): SenderStats {
    return { queued: this.queue.length, dropped: this.queue.dropped, ...this.counts };
  }

  /** Queues edge rows as one or more batches and makes sure the send loop runs. */
  enqueue(rows: EdgeRow[]): void {
    const max = this.opts.maxRowsPerBatch ?? 5_000;
    for (let i = 0; i < rows.length; i += max) this.enqueueSections({ edges: rows.slice(i, i + max) });
  }

  /** Queues one batch with any sections (edges, endpoints, network, resources, logs, pods, processes). */
  enqueueSections(sections: BatchSections): void {
    this.queue.append({ batchId: randomUUID(), agent: this.opts.agent, sentAt: Date.now(), ...sections });
    this.kick();
  }

  /** Resolves when everything queued was delivered or rejected, or when `timeoutMs` passes. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    // Waits without cutting the backoff short: a down API must not be hammered during shutdown.
    while (this.queue.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return this.queue.length === 0;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private kick(): void {
    this.sending ??= this.loop().finally(() => {
      this.sending = null;
    });
  }

  private async loop(): Promise<void> {
    const min = this.opts.minBackoffMs ?? 500;
    let backoff = min;
    while (!this.stopped) {
      const next = this.queue.peek();
      if (!next) break;
      const outcome = await this.deliver(next.item);
      if (outcome !== 'done') {
        this.counts.retries++;
        const delay = outcome === 'retry' ? backoff : outcome.after;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
        backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 30_000);
        continue;
      }
      backoff = min;
      this.queue.remove(next.seq);
    }
  }

  private async deliver(batch: IngestBatch): Promise<'done' | 'retry' | { after: number }> {
    try {
      const result = await this.client.ingest.batch.mutate(batch);
      if (result.duplicate) this.counts.duplicates++;
      else this.counts.sent++;
      this.opts.log.debug({ batchId: batch.batchId, rows: result.stored }, 'batch delivered');
      return 'done';
    } catch (err) {
      const { code, retryAfterMs } = refusal(err);
      if (code === 'BAD_REQUEST' || code === 'PAYLOAD_TOO_LARGE') {
        this.counts.rejected++;
        this.opts.log.error({ batchId: batch.batchId, err: (err as Error).message }, 'API rejected batch as malformed; dropped');
        return 'done';
      }
      if (code === 'TOO_MANY_REQUESTS' && retryAfterMs !== null) {
        this.opts.log.debug({ batchId: batch.batchId, retryAfterMs }, 'API is behind; waiting as it asked');
        return { after: retryAfterMs };
      }
      const why = code === 'UNAUTHORIZED' ? 'agent token refused (check KINSIGHT_AGENT_TOKEN)' : (err as Error).message;
      this.opts.log.warn({ batchId: batch.batchId, why }, 'batch delivery failed; will retry');
      return 'retry';
    }
  }
}
