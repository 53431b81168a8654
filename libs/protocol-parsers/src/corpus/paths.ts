import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file sits in libs/protocol-parsers/src/corpus). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * `../shared/corpora` beside the repository. Throws when it is missing: tests that need the corpus must
 * fail, not pass vacuously.
 */
export function corpusRoot(): string {
  const root = resolve(REPO_ROOT, '../shared/corpora');
  if (!existsSync(root)) throw new Error(`corpus not found at ${root}; the third-party captures live in ../shared/corpora beside the repo`);
  return root;
}
