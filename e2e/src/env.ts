/** The one place the e2e suite reads `process.env`. */
import { z } from 'zod';

const schema = z.object({
  CI: z.string().optional(),
  /** When set, each run creates and drops a throwaway database on this server instead of using PGlite. */
  DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  /** Written by global-setup for the test workers: the dashboard on the seeded API. */
  KINSIGHT_E2E_WEB_URL: z.url().optional(),
  /** Written by global-setup: the seeded API itself, for what agents send (ingest is not proxied). */
  KINSIGHT_E2E_API_URL: z.url().optional(),
  /** Written by global-setup: a dashboard whose KINSIGHT_API_URL points at a closed port. */
  KINSIGHT_E2E_DETACHED_WEB_URL: z.url().optional(),
  /** Written by global-setup: Playwright storage state holding the e2e admin's session cookie. */
  KINSIGHT_E2E_STORAGE_STATE: z.string().min(1).optional(),
  /** Written by global-setup: the e2e admin's password for this run. */
  KINSIGHT_E2E_PASSWORD: z.string().min(12).optional(),
});

type WorkerVariable =
  | 'KINSIGHT_E2E_WEB_URL'
  | 'KINSIGHT_E2E_API_URL'
  | 'KINSIGHT_E2E_DETACHED_WEB_URL'
  | 'KINSIGHT_E2E_STORAGE_STATE'
  | 'KINSIGHT_E2E_PASSWORD';

export type E2eEnv = z.infer<typeof schema>;

export function e2eEnv(): E2eEnv {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) throw new Error(`e2e: invalid environment: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function required(name: WorkerVariable): string {
  const url = e2eEnv()[name];
  if (!url) throw new Error(`e2e: ${name} is not set; run the specs through \`playwright test -c playwright.config.ts\``);
  return url;
}

/** Base URL of the dashboard started by global-setup on the seeded API. */
export const webUrl = (): string => required('KINSIGHT_E2E_WEB_URL');

/** Base URL of the seeded API (agents' side: `ingest.batch`). */
export const apiUrl = (): string => required('KINSIGHT_E2E_API_URL');

/** Base URL of a dashboard whose API is unreachable. */
export const detachedWebUrl = (): string => required('KINSIGHT_E2E_DETACHED_WEB_URL');

/** Storage state signed in as the e2e admin (through the sign-in page, in global-setup). */
export const signedInState = (): string => required('KINSIGHT_E2E_STORAGE_STATE');

/** Hand a value from global-setup to the workers it spawns. */
export function exportToWorkers(name: WorkerVariable, value: string): void {
  process.env[name] = value;
}
