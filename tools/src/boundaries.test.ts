/**
 * The layering of STYLE.md is enforced by lint, so a wrong import fails `npm test`. These cases run the
 * real ESLint config over probe sources placed (virtually) in real projects.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: repoRoot });

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

describe('module boundaries', () => {
  it('lets the web app and the agent import the API router type', async () => {
    const code = "import type { AppRouter } from '@kinsight/api/router';\nexport type R = AppRouter;\n";
    expect(await ruleIds('apps/web/src/probe.ts', code)).toEqual([]);
    expect(await ruleIds('apps/node-agent/src/probe.ts', code)).toEqual([]);
  });

  it('refuses a run-time import of the API from an app', async () => {
    const messages = await ruleIds('apps/node-agent/src/probe.ts', "import { appRouter } from '@kinsight/api/router';\nexport const r = appRouter;\n");
    expect(messages.some((m) => m.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('refuses a lib importing an app', async () => {
    const messages = await ruleIds('libs/topology/src/probe.ts', "import type { AppRouter } from '@kinsight/api/router';\nexport type R = AppRouter;\n");
    expect(messages.some((m) => m.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('refuses the browser app importing a node-only lib', async () => {
    const messages = await ruleIds('apps/web/src/probe.ts', "import { BpfObject } from '@kinsight/libbpf-ts';\nexport const b = BpfObject;\n");
    expect(messages.some((m) => m.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('refuses the API reaching into the agent by path', async () => {
    // Apps publish no entry, so a package import of one does not even resolve (typecheck fails); a path must not either.
    const messages = await ruleIds('apps/api/src/probe.ts', "import { Agent } from '../../node-agent/src/agent.js';\nexport const a = Agent;\n");
    expect(messages.some((m) => m.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });
});
