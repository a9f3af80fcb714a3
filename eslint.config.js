// ESLint over every package's sources (packages/*/src: new packages are linted without an edit here).
// typescript-eslint strict, type-checked, against tsconfig.check.json (the one program that holds
// sources and tests). Import cycles and the package graph are dependency-cruiser's job
// (.dependency-cruiser.cjs); unused files, exports and dependencies are knip's (knip.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/__fixtures__/**', 'packages/*/src/**/*.d.ts'] },
  {
    files: ['packages/*/src/**/*.ts', 'packages/*/src/**/*.tsx'],
    extends: [js.configs.recommended, ...tseslint.configs.strictTypeChecked],
    languageOptions: {
      // The dashboard is a browser program with its own compiler settings (DOM, JSX).
      parserOptions: { project: ['./tsconfig.check.json', './packages/dashboard/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      // Numbers and booleans read as themselves in messages; objects, null and undefined stay errors.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `(x) => sink.push(x)` callbacks are the codebase's idiom; a void value used anywhere else stays an error.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // The compiler's convention (noUnusedLocals/Parameters): a leading underscore marks a deliberate unused name.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // In a test, `map.get(k)!` that is wrong fails the test at once; elsewhere the rule holds.
    files: ['packages/*/src/**/*.test.ts', 'packages/*/src/**/testing/**/*.ts', 'packages/*/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
