import { randomUUID } from 'node:crypto';
import type { AppRouter } from '@kinsight/api/router';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs } from '@trpc/server';
import type { Logger } from 'pino';
import type { EdgeRow } from './aggregate.js';

export type IngestBatch = inferRouterInputs<AppRouter>['ingest']['batch'];

export interface SenderOptions {
  apiUrl: string;
  token: string;
  agent: { id: string; hostname: string; version: string };
  log: Logger;
  /** batches waiting in memory; the oldest is dropped (and counted) beyond it */
  maxQueuedBatches?: number;
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

/**
 * Send stage: batches go out one at a time, in order. A failed delivery is retried with the same batch id
 * (the API stores a batch once), with exponential backoff. A batch the API calls malformed is dropped and
 * counted — sending it again cannot help. (The on-disk spool comes with the storage issue.)
 */
export class BatchSender {
  private readonly queue: IngestBatch[] = [];
  private readonly client;
  private sending: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  readonly stats: SenderStats = { queued: 0, sent: 0, duplicates: 0, rejected: 0, dropped: 0, retries: 0 };

  constructor(private readonly opts: SenderOptions) {
    this.client = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: new URL('/trpc', opts.apiUrl).toString(),
          headers: () => ({ authorization: `Bearer ${opts.token}` }),
        }),
      ],
    });
  }

  /** Queues rows as one or more batches and makes sure the send loop runs. */
  enqueue(rows: EdgeRow[]): void {
    const max = this.opts.maxRowsPerBatch ?? 5_000;
    for (let i = 0; i < rows.length; i += max) {
      if (this.queue.length >= (this.opts.maxQueuedBatches ?? 1_000)) {
        this.queue.shift();
        this.stats.dropped++;
      }
      this.queue.push({
        batchId: randomUUID(),
        agent: this.opts.agent,
        sentAt: Date.now(),
        edges: rows.slice(i, i + max),
      });
    }
    this.stats.queued = this.queue.length;
    this.sending ??= this.loop().finally(() => {
      this.sending = null;
    });
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

  private async loop(): Promise<void> {
    let backoff = this.opts.minBackoffMs ?? 500;
    while (!this.stopped && this.queue.length > 0) {
      const batch = this.queue[0];
      if (!batch) break;
      const outcome = await this.deliver(batch);
      if (outcome === 'retry') {
        this.stats.retries++;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
        backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 30_000);
        continue;
      }
      backoff = this.opts.minBackoffMs ?? 500;
      if (this.queue[0] === batch) this.queue.shift();
      this.stats.queued = this.queue.length;
    }
  }

  private async deliver(batch: IngestBatch): Promise<'done' | 'retry'> {
    try {
      const result = await this.client.ingest.batch.mutate(batch);
      if (result.duplicate) this.stats.duplicates++;
      else this.stats.sent++;
      this.opts.log.debug({ batchId: batch.batchId, rows: batch.edges.length }, 'batch delivered');
      return 'done';
    } catch (err) {
      const code = err instanceof TRPCClientError ? (err.data as { code?: string } | undefined)?.code : undefined;
      if (code === 'BAD_REQUEST' || code === 'PAYLOAD_TOO_LARGE') {
        this.stats.rejected++;
        this.opts.log.error({ batchId: batch.batchId, err: (err as Error).message }, 'API rejected batch as malformed; dropped');
        return 'done';
      }
      const why = code === 'UNAUTHORIZED' ? 'agent token refused (check KINSIGHT_AGENT_TOKEN)' : (err as Error).message;
      this.opts.log.warn({ batchId: batch.batchId, why }, 'batch delivery failed; will retry');
      return 'retry';
    }
  }
}
