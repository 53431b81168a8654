import { z } from 'zod';

// An empty variable (`DATABASE_URL=`) means "unset", as shells and compose files write it.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const envSchema = z.object({
  /** PostgreSQL URL; unset means an embedded PGlite database in KINSIGHT_DATA_DIR */
  DATABASE_URL: optional(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })),
  KINSIGHT_DATA_DIR: optional(z.string()).transform((dir) => dir ?? './.kinsight/db'),
  PORT: optional(z.coerce.number().int().min(0).max(65_535)).transform((port) => port ?? 4000),
  HOST: optional(z.string()).transform((host) => host ?? '127.0.0.1'),
  /** when set, its sha256 is registered at startup as the agent token named `default` */
  KINSIGHT_AGENT_TOKEN: optional(z.string().min(1)),
  /**
   * Local demo only: requests without a session act as this admin, and the API says so at startup.
   * Honoured only on a loopback HOST, so a reachable API can never run without sign-in.
   */
  KINSIGHT_DEMO_SIGNIN: optional(z.string().regex(/^[a-z0-9._-]{1,64}$/, { error: 'must be a username (a-z 0-9 . _ -)' })),
  /** first admin, created at startup only while there are no users (the CLI `bootstrap-admin` is the other way) */
  KINSIGHT_BOOTSTRAP_ADMIN: optional(z.string().regex(/^[a-z0-9._-]{1,64}$/, { error: 'must be a username (a-z 0-9 . _ -)' })),
  KINSIGHT_BOOTSTRAP_PASSWORD: optional(z.string().min(12, { error: 'must be at least 12 characters' })),
  /** mark the session cookie Secure: set it when the dashboard is served over https */
  KINSIGHT_SECURE_COOKIES: optional(z.enum(['0', '1'])).transform((v) => v === '1'),
  /** batches written at once before ingest answers 429 with Retry-After */
  KINSIGHT_INGEST_MAX_IN_FLIGHT: optional(z.coerce.number().int().min(1)).transform((n) => n ?? 4),
  /** days kept per resolution; older daily partitions are dropped */
  KINSIGHT_RETENTION_RAW_DAYS: optional(z.coerce.number().int().min(1)).transform((n) => n ?? 7),
  KINSIGHT_RETENTION_1M_DAYS: optional(z.coerce.number().int().min(1)).transform((n) => n ?? 30),
  KINSIGHT_RETENTION_1H_DAYS: optional(z.coerce.number().int().min(1)).transform((n) => n ?? 400),
  /**
   * Peers (exact IPs, comma-separated) whose `X-Forwarded-For` names the client, e.g. the dashboard's server
   * or a load balancer: sign-in limits then count the client, not the proxy. Others' X-Forwarded-For is ignored.
   */
  KINSIGHT_TRUSTED_PROXIES: optional(z.string())
    .transform((list) => (list ?? '127.0.0.1,::1,::ffff:127.0.0.1').split(',').map((ip) => ip.trim()).filter(Boolean))
    .pipe(z.array(z.union([z.ipv4(), z.ipv6()], { error: 'must be a comma-separated list of IP addresses' }))),
  /** how often the Insights runner analyses new buckets (exceptions and root-cause reports); 0 disables it */
  KINSIGHT_INSIGHTS_INTERVAL_MS: optional(z.coerce.number().int().min(0).max(3_600_000)).transform((ms) => ms ?? 10_000),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])).transform(
    (level) => level ?? 'info',
  ),
});

export type ApiEnv = z.infer<typeof envSchema>;

export const isLoopbackHost = (host: string) => host === '127.0.0.1' || host === '::1' || host === 'localhost';

/** Validates a variable map; the error names each bad variable and what it must be. */
export function parseEnv(source: Record<string, string | undefined>): ApiEnv {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new Error(`invalid environment for the Kinsight API: ${problems}`);
}

/** The one place in apps/api that reads process.env. */
export function readEnv(): ApiEnv {
  return parseEnv(process.env);
}
