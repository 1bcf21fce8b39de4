// Lint rules for the whole repository (`npm run lint`, run by `npm test` before the tests). Rules only,
// no formatter: the line width is checked, not rewritten. Kept to what catches mistakes and what the
// code already follows, so that every finding is worth reading.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'e2e/fixtures/**', 'bench/fixtures/**', 'bench/baselines/**', 'bench/results/**', 'docs/**', '.data/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { '@stylistic': stylistic },
    rules: {
      // A regular expression cannot be wrapped; everything else can.
      '@stylistic/max-len': ['error', { code: 160, tabWidth: 2, ignoreRegExpLiterals: true }],
      // `_name` marks a parameter or binding kept for its position or to drop a property.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // The input guards and the masking match control characters on purpose.
      'no-control-regex': 'off',
      // `let x = initial;` before a loop or a try that always assigns is how this code reads.
      'no-useless-assignment': 'off',
      // A setup error names what to start instead of the driver's own error.
      'preserve-caught-error': 'off',
    },
  },
  {
    // Tests and harnesses read untyped JSON and reach into libraries' internals; the product code may not.
    files: ['**/*.test.ts', '**/test/**', 'e2e/**', 'bench/**', 'examples/**/*.e2e.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The browser bundles name close codes through @tandem/protocol/wire, never as numbers.
    files: ['packages/sdk/src/**/*.ts', 'packages/agent/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'Literal[value>=4001][value<=4999]',
        message: 'A WebSocket close code: use CloseCode from @tandem/protocol/wire.',
      }],
    },
  },
  {
    // Served as it is to the Genesys widget page.
    files: ['packages/server/src/integrations/genesys/widget/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
);
