import { sql } from 'drizzle-orm';
import { type Database } from './db/client.js';
import { rowsOf } from './db/rows.js';

/**
 * Sign-in attempts per key (username, client address), counted in PostgreSQL so that every API
 * replica over one database shares one limit: N replicas behind a load balancer still allow
 * `maxAttempts` per key and window, not N times that.
 *
 * An attempt is counted before the password is checked and released when it turns out good, so
 * concurrent guesses cannot all pass the check before any failure is recorded. The window starts
 * at a key's first attempt and ends `windowMs` later; one row a key (table sign_in_attempts).
 */
export class FailureLimiter {
  constructor(
    private readonly maxAttempts: number,
    private readonly windowMs: number,
  ) {}

  /**
   * Counts one attempt for every key and returns how long the caller must wait (ms) before trying
   * again: 0 when every key is within its limit. A refused attempt stays counted; the wait ends
   * with the window whatever the caller does meanwhile.
   */
  async attempt(db: Database, keys: readonly string[], nowMs: number): Promise<number> {
    if (keys.length === 0) return 0;
    const now = new Date(nowMs).toISOString();
    const expired = new Date(nowMs - this.windowMs).toISOString();
    // One statement for every key, in sorted order: each attempt locks the keys' rows in the same
    // order and holds them until it commits, so concurrent attempts (from any replica) are counted
    // in one order on every key and exactly `maxAttempts` of them pass.
    const sorted = [...new Set(keys)].sort();
    const rows = await rowsOf<{ attempts: number; window_start: string | Date }>(
      db,
      sql`insert into sign_in_attempts as a (key, attempts, window_start)
          values ${sql.join(sorted.map((key) => sql`(${key}, 1, ${now}::timestamptz)`), sql`, `)}
          on conflict (key) do update set
            attempts = case when a.window_start <= ${expired}::timestamptz then 1 else a.attempts + 1 end,
            window_start = case when a.window_start <= ${expired}::timestamptz then excluded.window_start else a.window_start end
          returning attempts, window_start`,
    );
    let wait = 0;
    for (const row of rows) {
      if (row.attempts > this.maxAttempts) wait = Math.max(wait, new Date(row.window_start).getTime() + this.windowMs - nowMs);
    }
    return Math.max(0, wait);
  }

  /** A good password: `reset` keys start over (the account), `release` keys give back this attempt (the address). */
  async succeeded(db: Database, outcome: { reset: readonly string[]; release: readonly string[] }): Promise<void> {
    if (outcome.reset.length > 0) {
      await db.execute(sql`delete from sign_in_attempts where key in ${[...outcome.reset]}`);
    }
    if (outcome.release.length > 0) {
      await db.execute(sql`update sign_in_attempts set attempts = greatest(attempts - 1, 0) where key in ${[...outcome.release]}`);
    }
  }

  /** Forgets keys whose window has ended; sign-in calls it so the table holds only live windows. */
  async sweep(db: Database, nowMs: number): Promise<void> {
    await db.execute(sql`delete from sign_in_attempts where window_start <= ${new Date(nowMs - this.windowMs).toISOString()}::timestamptz`);
  }
}
