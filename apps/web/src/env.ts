/**
 * The one place the web server reads `process.env`. Values are read at run time
 * (`next start`), never baked in at build, so one build can point at any API.
 * Server code only (route handlers, server components, next.config.ts): client
 * components receive what they need as props.
 */
import { z } from 'zod';

const flag = z
  .enum(['1', '0', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');

const schema = z.object({
  KINSIGHT_API_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4000'),
  KINSIGHT_TEST_HOOKS: flag,
  /** Set by next.config.ts when the build itself ran with KINSIGHT_TEST_HOOKS=1. */
  KINSIGHT_TEST_HOOKS_AT_BUILD: flag,
});

export interface WebEnv {
  /** Base URL of the Kinsight API, without the `/trpc` suffix. */
  apiUrl: string;
  /** Expose the read-only topology snapshot on `window` for Playwright. */
  testHooks: boolean;
}

let cached: WebEnv | undefined;

export function webEnv(): WebEnv {
  if (cached) return cached;
  const parsed = schema.safeParse({
    KINSIGHT_API_URL: process.env.KINSIGHT_API_URL || undefined,
    KINSIGHT_TEST_HOOKS: process.env.KINSIGHT_TEST_HOOKS,
    KINSIGHT_TEST_HOOKS_AT_BUILD: process.env.KINSIGHT_TEST_HOOKS_AT_BUILD,
  });
  if (!parsed.success) {
    throw new Error(
      `web: invalid environment (${z.prettifyError(parsed.error)}); ` +
        'set KINSIGHT_API_URL to an http(s) URL and KINSIGHT_TEST_HOOKS to 1 or 0',
    );
  }
  const env = parsed.data;
  cached = {
    apiUrl: env.KINSIGHT_API_URL.replace(/\/+$/, ''),
    testHooks: env.KINSIGHT_TEST_HOOKS || env.KINSIGHT_TEST_HOOKS_AT_BUILD,
  };
  return cached;
}
