import { type SQL } from 'drizzle-orm';
import { type Database } from './client.js';

/** Rows of a raw SQL query from either driver (both answer `{ rows }`). */
export async function rowsOf<T>(db: Pick<Database, 'execute'>, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (typeof result === 'object' && result !== null && 'rows' in result && Array.isArray(result.rows)) {
    return result.rows as T[];
  }
  throw new Error('raw query: the driver answered without rows');
}
