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
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])).transform(
    (level) => level ?? 'info',
  ),
});

export type ApiEnv = z.infer<typeof envSchema>;

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
