import { hostname } from 'node:os';
import { z } from 'zod';

/** The only place the agent reads process.env. */
const EnvSchema = z.object({
  KINSIGHT_API_URL: z.url().default('http://127.0.0.1:4000'),
  KINSIGHT_AGENT_TOKEN: z.string().min(16, 'KINSIGHT_AGENT_TOKEN must be at least 16 characters').optional(),
  KINSIGHT_AGENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'KINSIGHT_AGENT_ID may hold letters, digits and . _ : - (1..128)')
    .default(hostname().slice(0, 128)),
  KINSIGHT_AGENT_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
  KINSIGHT_BPF_OBJECT: z.string().optional(),
  /** undelivered batches wait here (bounded, oldest dropped first) while the API is unreachable */
  KINSIGHT_SPOOL_DIR: z.string().min(1).default('/var/lib/kinsight/spool'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AgentEnv = z.infer<typeof EnvSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): AgentEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid agent configuration: ${problems}`);
  }
  return parsed.data;
}
