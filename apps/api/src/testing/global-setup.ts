import { type TestProject } from 'vitest/node';
import { readEnv } from '../env.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** superuser URL on the server where each suite creates its own database */
    postgresAdminUrl: string;
    /** where that server came from, for test names */
    postgresSource: 'DATABASE_URL' | 'embedded-postgres';
  }
}

/**
 * One PostgreSQL server for the whole run: the one in DATABASE_URL when set, else an
 * embedded cluster started here and stopped in teardown, whether tests passed or not.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const { DATABASE_URL } = readEnv();
  if (DATABASE_URL) {
    project.provide('postgresAdminUrl', DATABASE_URL);
    project.provide('postgresSource', 'DATABASE_URL');
    return undefined;
  }
  const cluster = await startEmbeddedPostgres();
  project.provide('postgresAdminUrl', cluster.adminUrl);
  project.provide('postgresSource', 'embedded-postgres');
  return () => cluster.stop();
}
