// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';
import jestPlugin from 'eslint-plugin-jest';
import prettierConfig from 'eslint-config-prettier';

/**
 * The dependency rules of docs/architecture.md, enforced: `target` may not import from `from`.
 * Paths are relative to the repository root.
 */
const zone = (target, from, message) => ({ target, from, message });
const OTHER_SRC = (...own) => `./src/!(${own.join('|')})/**`;
const boundaries = [
  zone(
    './src/messaging',
    [OTHER_SRC('messaging'), './src/*.ts', './intents/**'],
    'messaging is a leaf: plain contracts, nothing of ours',
  ),
  zone('./src/common', [OTHER_SRC('common'), './src/*.ts', './intents/**'], 'common is a leaf'),
  zone(
    './src/config',
    [OTHER_SRC('config', 'common'), './src/*.ts', './intents/**'],
    'config is the environment only: everything may read it, it reads nothing of ours but common (the units file belongs to units)',
  ),
  zone(
    './src/metrics',
    [OTHER_SRC('metrics', 'common', 'config', 'units', 'messaging'), './src/*.ts', './intents/**'],
    'metrics is a leaf: the queues, the turn and the campaigns report to it, it imports none of them',
  ),
  zone(
    './src/nlu',
    [OTHER_SRC('nlu', 'common', 'messaging'), './src/*.ts', './intents/**'],
    'nlu runs alone: common and the messaging types only',
  ),
  zone(
    './src/channels',
    [
      './src/conversation',
      './src/i18n',
      './intents',
      './src/nlu',
      './src/interactions',
      './src/reports',
      './src/console',
      './src/campaigns',
    ],
    'channels see messaging, inbox, outbox, units, config, common only',
  ),
  zone(
    './intents',
    [
      './src/channels',
      './src/database',
      './src/i18n',
      './src/inbox',
      './src/outbox',
      './src/console',
      './src/reports',
      './src/conversation',
    ],
    'an intent returns a Reply: no channel, database, i18next',
  ),
  zone(
    './src/reports',
    ['./src/channels', './src/conversation/conversation.engine.ts', './intents'],
    'reports read through exported services only',
  ),
  zone(
    './src/campaigns',
    ['./src/channels', './src/conversation', './intents', './src/console', './src/reports', './src/nlu'],
    'campaigns reach citizens through the outbox only',
  ),
  zone(
    './src/console',
    ['./src/channels/messenger', './src/channels/zalo', './intents'],
    'console goes through services',
  ),
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      'test-artifacts/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { import: importPlugin },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      'import/no-restricted-paths': ['error', { zones: boundaries }],
      'import/no-cycle': ['error', { maxDepth: 12 }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    ...jestPlugin.configs['flat/recommended'],
    rules: {
      ...jestPlugin.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/valid-title': ['error', { ignoreTypeOfDescribeName: true }],
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'request.**.expect'] }],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
      'import/no-restricted-paths': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['scripts/**/*.ts', 'src/**/*.cli.ts', 'src/**/cli/*.ts'],
    rules: { 'no-console': 'off' },
  },
  prettierConfig,
);
