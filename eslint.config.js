import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Folder boundaries of DESIGN.md §6, as import rules per folder (one `no-restricted-imports` per
 * file set, because a later config replaces an earlier one's options for the same rule):
 *  - the PURE core (policy, scoring, replay, stats, tuning) imports only src/domain and itself, no
 *    Node built-in, no driver or UI library, and reads no clock, timer, randomness or environment;
 *  - adapters (store, queue, providers) do not import each other;
 *  - nothing imports src/cli/ or workers/.
 * test/unit/lint/boundaries.test.ts lints probe files against these rules.
 */
const PURE = ['policy', 'scoring', 'replay', 'stats', 'tuning'];
const ADAPTERS = ['store', 'queue', 'providers'];
const SRC_FOLDERS = [
  'app',
  'cli',
  'dashboard',
  'demo',
  'domain',
  'gateway',
  'jobs',
  'policy',
  'providers',
  'queue',
  'replay',
  'report',
  'scoring',
  'stats',
  'store',
  'traffic',
  'tuning',
];

/** A relative import that lands in one of `folders` (from anywhere below src/, or workers/ from the root). */
const intoFolders = (folders, message) => ({ regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message });
const NOBODY_IMPORTS = [
  intoFolders(['cli'], 'Nothing imports src/cli: move the code to src/app (a workflow) or the folder it belongs to.'),
  { regex: '^(\\.\\./)+workers(/|$)', message: 'Nothing imports workers/: entrypoints only; shared start-up code lives in src/app.' },
];
const NODE_BUILTINS = {
  regex: `^(node:.*|${builtinModules
    .filter((m) => !m.startsWith('_'))
    .map((m) => m.replace('/', '\\/'))
    .join('|')})(/.*)?$`,
  message: 'The pure core does no I/O: no Node built-ins. Take what you need as a parameter.',
};
const DRIVERS_AND_UI = {
  regex: '^(drizzle-orm|drizzle-kit|postgres|@electric-sql/.*|bullmq|ioredis|ink|ink-.*|react|react/.*|commander)(/.*)?$',
  message: 'The pure core imports no driver, queue or UI library.',
};

const pureFiles = PURE.map((f) => `src/${f}/**`);
const adapterRules = ADAPTERS.map((f) => ({
  files: [`src/${f}/**`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...NOBODY_IMPORTS,
          intoFolders(
            ADAPTERS.filter((o) => o !== f),
            `Adapters do not import each other: src/${f} may not import another adapter; wire them in src/app or src/jobs.`,
          ),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'migrations/**', 'reports/**', '.routelab/**', 'coverage/**', 'test/fixtures/lint/**'] },
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
    files: ['src/**', 'workers/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: NOBODY_IMPORTS }] },
  },
  ...adapterRules,
  {
    // The pure core: no I/O, environment, clock, timers or unseeded randomness (DESIGN.md §6).
    files: pureFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NODE_BUILTINS,
            DRIVERS_AND_UI,
            ...NOBODY_IMPORTS,
            intoFolders(
              SRC_FOLDERS.filter((f) => f !== 'domain' && !PURE.includes(f)),
              'The pure core imports only src/domain and the other pure folders (policy, scoring, replay, stats, tuning).',
            ),
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The pure core reads no environment or process state: take it as a parameter.' },
        { name: 'performance', message: 'Pass a Clock.' },
        { name: 'crypto', message: 'Pass a seeded Rng (ids from the caller).' },
        { name: 'setTimeout', message: 'The pure core sets no timers.' },
        { name: 'setInterval', message: 'The pure core sets no timers.' },
        { name: 'setImmediate', message: 'The pure core sets no timers.' },
        { name: 'fetch', message: 'The pure core does no I/O.' },
        { name: 'require', message: 'The pure core does no I/O.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Pass a seeded Rng.' },
        { object: 'Date', property: 'now', message: 'Pass a Clock.' },
        { object: 'performance', property: 'now', message: 'Pass a Clock.' },
        { object: 'crypto', property: 'randomUUID', message: 'Pass a seeded Rng (ids from the caller).' },
        { object: 'process', property: 'env', message: 'Pure core reads no environment.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: '`new Date()` reads the clock: pass a Clock and use new Date(clock.now()).',
        },
        { selector: "CallExpression[callee.name='Date']", message: '`Date()` reads the clock: pass a Clock.' },
        { selector: 'ImportExpression', message: 'The pure core loads no module at run time.' },
      ],
    },
  },
);
