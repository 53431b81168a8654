import { type Logger } from 'pino';
import { type Database } from './db/client.js';
import { dropExpiredPartitions, ensureDailyPartitions, type RetentionDays } from './db/partitions.js';
import { rollUpNewBatches } from './db/rollup.js';
import { type Clock } from './trpc.js';

const ROLLUP_EVERY_MS = 60_000;
const PARTITIONS_EVERY_MS = 3_600_000;
/** today and the next two days exist before any bucket needs them */
const DAYS_AHEAD = 3;

export interface Maintenance {
  stop(): Promise<void>;
}

/**
 * The background jobs: daily partitions created ahead and old ones dropped (hourly), rollups of
 * new batches (every minute). A failed run is logged and retried on the next tick; jobs never
 * overlap themselves.
 */
export function startMaintenance(db: Database, clock: Clock, log: Logger, retention: RetentionDays): Maintenance {
  const running = new Set<Promise<void>>();
  const job = (name: string, run: () => Promise<unknown>) => {
    let busy = false;
    return () => {
      if (busy) return;
      busy = true;
      const done = run()
        .then((result) => log.debug({ job: name, result }, 'maintenance job done'))
        .catch((error: unknown) => log.error({ err: error, job: name }, `maintenance job ${name} failed; retrying on the next tick`))
        .finally(() => {
          busy = false;
          running.delete(done);
        });
      running.add(done);
    };
  };
  const partitions = job('partitions', async () => {
    const now = clock.now();
    const created = await ensureDailyPartitions(db, now, DAYS_AHEAD);
    const dropped = await dropExpiredPartitions(db, now, retention);
    if (created.length + dropped.length > 0) log.debug({ created: created.length, dropped }, 'partitions maintained');
  });
  const rollup = job('rollup', () => rollUpNewBatches(db, clock.now()));
  partitions();
  rollup();
  const timers = [setInterval(partitions, PARTITIONS_EVERY_MS), setInterval(rollup, ROLLUP_EVERY_MS)];
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running);
    },
  };
}
