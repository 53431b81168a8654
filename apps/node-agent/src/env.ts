import { hostname } from 'node:os';
import { z } from 'zod';
import { CPU_PRIORITIES } from './scheduling.js';

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
  /** `auto`: watch the cluster when running in a pod (KUBERNETES_SERVICE_HOST) or given KINSIGHT_KUBECONFIG */
  KINSIGHT_KUBERNETES: z.enum(['auto', 'on', 'off']).default('auto'),
  KINSIGHT_KUBECONFIG: z.string().min(1).optional(),
  /** set by the kubelet in every pod; its presence says we run in a cluster */
  KUBERNETES_SERVICE_HOST: z.string().optional(),
  /** the Kubernetes node this agent runs on (downward API `spec.nodeName`); its pods are reported */
  KINSIGHT_NODE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,253}$/, 'KINSIGHT_NODE_NAME must be a node name (letters, digits, . _ : -)')
    .default(hostname().slice(0, 253)),
  /** how the agent's threads compete with workloads for CPU (scheduling.ts); `--cpu-priority` overrides it */
  KINSIGHT_AGENT_CPU_PRIORITY: z.enum(CPU_PRIORITIES).default('adaptive'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AgentEnv = z.infer<typeof EnvSchema>;

/** Whether to watch the kube-apiserver, and with which kubeconfig (undefined: in-cluster or the default). */
export function kubernetesOf(env: AgentEnv): { kubeconfig: string | undefined } | null {
  if (env.KINSIGHT_KUBERNETES === 'off') return null;
  if (env.KINSIGHT_KUBERNETES === 'auto' && !env.KUBERNETES_SERVICE_HOST && !env.KINSIGHT_KUBECONFIG) return null;
  return { kubeconfig: env.KINSIGHT_KUBECONFIG };
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): AgentEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid agent configuration: ${problems}`);
  }
  return parsed.data;
}
