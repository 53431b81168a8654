// One lint config for the whole tree. The Nx module-boundary rule turns the
// layering in STYLE.md into a failing `npm test`: apps use libs, libs never
// use apps, and apps never use each other except the API router *type*.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const apiRouterTypeOnly = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['@kinsight/api', '@kinsight/api/*'],
          allowTypeImports: true,
          message: 'Apps never import the API at run time: only `import type { AppRouter } from "@kinsight/api/router"`.',
        },
      ],
    },
  ],
};

const moduleBoundaries = (allow) => ({
  enforceBuildableLibDependency: false,
  allow,
  depConstraints: [
    { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
    { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
    { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
    { sourceTag: 'scope:agent', onlyDependOnLibsWithTags: ['scope:agent', 'scope:shared'] },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    { sourceTag: 'platform:browser', onlyDependOnLibsWithTags: ['platform:browser'] },
  ],
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**', '**/dist/**', '**/.next/**', '**/.nx/**', '**/build/**',
      '**/.output/**', '**/next-env.d.ts', '**/test-results/**', '**/playwright-report/**',
      'apps/api/drizzle/**', '.kinsight/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries([])],
    },
  },
  {
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx', 'apps/node-agent/**/*.ts'],
    rules: {
      ...apiRouterTypeOnly,
      // The one sanctioned app-to-app edge: the API router type (erased at build).
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries(['@kinsight/api/router'])],
    },
  },
  {
    // Node scripts that must run before node_modules exists.
    files: ['tools/scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
