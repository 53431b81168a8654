import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { type Database } from './db/client.js';
import { sessions, users, type Role } from './db/schema.js';

/** scrypt at N=2^15, r=8, p=1: ~50 ms and 32 MiB a hash (OWASP's floor is N=2^17 with p=1 at r=8 / 64 MiB; we trade some for 2-core hosts). */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, maxmem: 64 * 1024 * 1024 };
export const SESSION_COOKIE = 'kinsight_session';
export const SESSION_TTL_MS = 12 * 3_600_000;
export const MIN_PASSWORD_LENGTH = 12;

function scryptAsync(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash` so parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keyLength, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem,
  });
  return timingSafeEqual(key, expected);
}

/** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
let decoyHash: Promise<string> | null = null;
const decoy = () => (decoyHash ??= hashPassword(randomBytes(16).toString('hex')));

export const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

export interface SessionUser {
  userId: string | null;
  username: string;
  role: Role;
  /** signed in automatically by the local demo (KINSIGHT_DEMO_SIGNIN), not by a password */
  demo: boolean;
}

export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 1024) return 'must be at most 1024 characters';
  return null;
}

export async function createUser(db: Database, username: string, password: string, role: Role): Promise<{ id: string }> {
  const problem = passwordProblem(password);
  if (problem) throw new Error(`password for ${username} ${problem}`);
  const [row] = await db
    .insert(users)
    .values({ username, passwordHash: await hashPassword(password), role })
    .onConflictDoNothing({ target: users.username })
    .returning({ id: users.id });
  if (!row) throw new Error(`user ${username} already exists`);
  return row;
}

/** The one-time bootstrap: creates the first admin only while there are no users at all. */
export async function bootstrapAdmin(db: Database, username: string, password: string): Promise<{ id: string }> {
  const [existing] = await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(users);
  if ((existing?.n ?? 0) > 0) {
    throw new Error('bootstrap refused: users already exist; an admin creates further users from the dashboard or the users.create procedure');
  }
  return createUser(db, username, password, 'admin');
}

/** The user when the password matches an enabled account, else null; same cost either way. */
export async function checkPassword(db: Database, username: string, password: string): Promise<{ id: string; role: Role } | null> {
  const [user] = await db
    .select({ id: users.id, role: users.role, passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.username, username), isNull(users.disabledAt)));
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoy()));
  return user && ok ? { id: user.id, role: user.role } : null;
}

/** Creates a session and returns the cookie value; only its sha256 is stored. */
export async function createSession(db: Database, userId: string, nowMs: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(sessions).values({
    idSha256: sha256Hex(token), userId, createdAt: new Date(nowMs), expiresAt: new Date(nowMs + SESSION_TTL_MS),
  });
  return token;
}

export async function findSession(db: Database, token: string, nowMs: number): Promise<SessionUser | null> {
  const [row] = await db
    .select({ userId: users.id, username: users.username, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.idSha256, sha256Hex(token)), gt(sessions.expiresAt, new Date(nowMs)), isNull(users.disabledAt)));
  return row ? { ...row, demo: false } : null;
}

export async function deleteSession(db: Database, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idSha256, sha256Hex(token)));
}

/** `kinsight_session=…; HttpOnly; SameSite=Strict`: no script reads it, no other site sends it. */
export function sessionCookie(token: string, maxAgeMs: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=') || null;
  }
  return null;
}
