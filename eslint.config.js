// One lint for the server, the web app, the tests and the benches: typescript-eslint's recommended
// rules, React's hook rules in web/, and import hygiene everywhere. Formatting is Prettier's alone.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'web/dist/', 'bench/results/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    rules: {
      'import-x/first': 'error',
      'import-x/no-duplicates': 'error',
      'import-x/no-self-import': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The two classic hook rules; the React Compiler's rules judge code written for the compiler, which
    // this app does not use.
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // The web app runs in the browser: from the server it may import only schemas and modules that
    // are pure (no database, no Node built-ins), so a server change cannot pull SQL into the bundle.
    // A pure module of shared words (lists, their types, small predicates) ends in -vocabulary.ts.
    files: ['web/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!.*(-schemas|-vocabulary|appointment-moves|appointment-states|measurement-error)\\.ts$)',
              message: 'The web app imports only schemas and pure shared modules from the server.',
            },
          ],
        },
      ],
    },
  },
  {
    // Command-line tools print for people; the server logs through pino.
    files: ['bench/**', 'test/**', 'src/seed/seed-command.ts', 'src/main.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests read JSON bodies whose shape is what they assert; typing each would only restate the assertion.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
