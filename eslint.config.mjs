import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/*.cjs', '**/*.mjs', 'tmp/**', 'data/**'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Domain code: plain TypeScript, talks to the world only through ports.
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core', 'type:util'] },
            // Pure helpers (OCI grammar, contracts, config) depend on nothing with I/O.
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            // Adapters implement ports with real infrastructure.
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:util', 'type:adapter'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:core', 'type:util', 'type:adapter'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:core', 'type:infra', 'type:util', 'type:adapter'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util', 'type:adapter', 'type:testing'] },
            // A shell composes features into a process's surface, shared by the apps that serve it.
            { sourceTag: 'type:shell', onlyDependOnLibsWithTags: ['type:feature', 'type:infra', 'type:core', 'type:util', 'type:adapter'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:shell', 'type:feature', 'type:infra', 'type:core', 'type:util', 'type:adapter'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests of any layer may start real servers through the testing library, and read JSON loosely.
    files: ['**/*.spec.ts', '**/*.contract.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }],
        },
      ],
    },
  },
];
