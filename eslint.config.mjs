// Lint is part of the test command. The module-boundary rule keeps dependencies pointing one way:
// apps -> io libs (kafka, influx) -> contracts/config -> stats; pure libs import no I/O.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

const NODE_IO_MODULES = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'child_process',
  'node:child_process',
  'dgram',
  'node:dgram',
  'os',
  'node:os',
  'kafkajs',
  'influx',
  '@nestjs/*',
  'systeminformation',
  'nodemailer',
];

// Which project may import which, by tag (each project.json carries its tags). Types: app (deployable), lib, testing,
// tool. Scopes of libs: pure (no I/O) < config < io. Scopes of apps: agent (the collector, installed on every host),
// service (baseline, anomaly, reporter) and cli (the `tideline` command). The dev stack (tools/devstack, role:devstack)
// is the one tool the test utilities and the command may use: they start the stack; a deployed service never does.
// Every rule looks at a project's direct imports (onlyDependOnLibsWithTags): Nx's project graph also holds the imports
// of test files, so a transitive rule would forbid every lib whose tests use libs/testing, which uses the dev stack.
const DEPENDENCY_CONSTRAINTS = [
  { sourceTag: 'scope:pure', onlyDependOnLibsWithTags: ['scope:pure'] },
  { sourceTag: 'scope:config', onlyDependOnLibsWithTags: ['scope:pure', 'scope:config'] },
  { sourceTag: 'scope:io', onlyDependOnLibsWithTags: ['scope:pure', 'scope:config', 'scope:io'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'role:devstack'] },
  { sourceTag: 'scope:service', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
  { sourceTag: 'scope:agent', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
  { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['type:lib', 'type:testing', 'role:devstack'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:testing', 'type:app', 'role:devstack'] },
  { sourceTag: 'role:devstack', onlyDependOnLibsWithTags: ['type:lib'] },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/dist-spec/**', '**/node_modules/**', '.tideline/**', '.nx/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: DEPENDENCY_CONSTRAINTS,
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests of any project may use the test utilities (libs/testing), and so may a lib's test helpers (src/testing, an
    // entry point of their own that production code never loads); production code of a lib may not.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', 'libs/*/src/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: ['@tideline/testing'],
          depConstraints: DEPENDENCY_CONSTRAINTS,
        },
      ],
    },
  },
  {
    // The product command runs the reporter's one-shot entry point as a process (`tideline report`): it finds the
    // file through the package, and never loads the reporter's code.
    files: ['apps/cli/src/report/reporter-entry.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { allow: ['@tideline/reporter/package.json'], depConstraints: DEPENDENCY_CONSTRAINTS },
      ],
    },
  },
  {
    // tools/bench adds the development commands to the product command (apps/cli): it takes the command type and the
    // reporter's runner from it, the one import of an app that Nx's rule would otherwise refuse.
    files: ['tools/bench/src/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: ['@tideline/cli', '@tideline/testing'],
          depConstraints: DEPENDENCY_CONSTRAINTS,
        },
      ],
    },
  },
  {
    // The collector is installed on every host and stays small: it never loads the model (libs/stats, role:model) or
    // the InfluxDB client (libs/influx, role:store).
    files: ['apps/collector/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@tideline/stats', message: 'the collector stays small: no model (role:model)' },
            { name: '@tideline/influx', message: 'the collector stays small: no InfluxDB client (role:store)' },
          ],
        },
      ],
    },
  },
  {
    // libs/stats and libs/contracts are pure: no Node I/O, no clients, no clock.
    files: ['libs/stats/src/**/*.ts', 'libs/contracts/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: NODE_IO_MODULES.map((m) => ({ group: [m], message: 'pure libraries may not import I/O' })) },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'time arrives with the data' }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
      },
    },
  },
);
