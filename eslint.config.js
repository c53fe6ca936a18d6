import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'migrations/**', 'reports/**', '.routelab/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    // The pure core: no I/O, environment, clock or unseeded randomness (DESIGN.md, Layout).
    files: ['src/policy/**', 'src/scoring/**', 'src/replay/**', 'src/stats/**', 'src/tuning/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: ['node:*', 'fs', 'fs/*', 'child_process', 'net', 'http', 'bullmq', 'ioredis', 'drizzle-orm', 'drizzle-orm/*', 'postgres', 'ink', 'react', '@electric-sql/*'],
      }],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Pass a seeded Rng.' },
        { object: 'Date', property: 'now', message: 'Pass a Clock.' },
        { object: 'process', property: 'env', message: 'Pure core reads no environment.' },
      ],
    },
  },
);
