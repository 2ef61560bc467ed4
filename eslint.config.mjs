// The lint step of `npm test` (scripts/test.mjs): typescript-eslint's recommended rules on every
// TypeScript and JavaScript source, so the style holds without anyone policing it. Formatting is
// Prettier's (.prettierrc.json), checked in the same step; the rules here are about code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.test-results/',
      'test-results/',
      'playwright-report/',
      'bench/device-results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        // Node, the browser and workers share these; the tsconfig's lib and types check the rest.
        console: 'readonly',
        process: 'readonly',
        performance: 'readonly',
        navigator: 'readonly',
        window: 'readonly',
        document: 'readonly',
        self: 'readonly',
        globalThis: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      // tsc (noUnusedLocals/noUnusedParameters) already fails on unused names; `_`-prefixed ones are deliberate.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
);
