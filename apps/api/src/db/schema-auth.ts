import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const ROLES = ['viewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull().unique(),
    /** `scrypt$N$r$p$salt$hash`, base64url parts; never the password */
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
  },
  (t) => [check('users_role_check', sql`${t.role} in ('viewer', 'admin')`)],
);

export const sessions = pgTable(
  'sessions',
  {
    /** hex sha256 of the cookie value; a stolen table cannot be replayed */
    idSha256: text('id_sha256').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Sign-in attempts per key (`user:<name>`, `addr:<client address>`) in a window that starts at the
 * key's first attempt: one row a key, counted with an UPSERT, so every API replica over this
 * database shares one limit (rate-limit.ts).
 */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    key: text('key').primaryKey(),
    /** attempts in the window not yet known to be good: failures and ones still checking */
    attempts: integer('attempts').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  },
  (t) => [index('sign_in_attempts_window_idx').on(t.windowStart)],
);
