import { TRPCError } from '@trpc/server';

/** Why ingest asked an agent to come back later; the HTTP layer turns it into a Retry-After header. */
export class BackpressureError extends Error {
  constructor(
    readonly reason: 'in_flight' | 'pool_waiting',
    readonly retryAfterSeconds: number,
  ) {
    super(`the database is behind (${reason === 'in_flight' ? 'too many batches in flight' : 'connection pool has waiters'})`);
  }
}

export interface IngestLimiterOptions {
  /** batches written at once; more wait at the agent, not in our memory */
  maxInFlight: number;
  /** requests queued for a pooled connection beyond which the database counts as behind */
  maxPoolWaiting: number;
  retryAfterSeconds: number;
  /** pg.Pool's waitingCount; PGlite has no pool and answers 0 */
  poolWaiting: () => number;
}

/** Admission control for ingest: refuse early and cheaply rather than pile batches onto a slow database. */
export class IngestLimiter {
  private inFlight = 0;

  constructor(private readonly opts: IngestLimiterOptions) {}

  get current(): number {
    return this.inFlight;
  }

  /** Returns the release function, or throws TOO_MANY_REQUESTS naming the reason and the delay. */
  enter(): () => void {
    let reason: BackpressureError['reason'] | null = null;
    if (this.inFlight >= this.opts.maxInFlight) reason = 'in_flight';
    else if (this.opts.poolWaiting() > this.opts.maxPoolWaiting) reason = 'pool_waiting';
    if (reason) {
      const cause = new BackpressureError(reason, this.opts.retryAfterSeconds);
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `${cause.message}; retry after ${this.opts.retryAfterSeconds} s with the same batch id`,
        cause,
      });
    }
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
  }
}

export function unlimitedIngest(): IngestLimiter {
  return new IngestLimiter({ maxInFlight: Number.MAX_SAFE_INTEGER, maxPoolWaiting: Number.MAX_SAFE_INTEGER, retryAfterSeconds: 1, poolWaiting: () => 0 });
}
