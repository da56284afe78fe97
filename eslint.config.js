// typescript-eslint (type-checked) + web-components, Lit and Lit a11y rules; zero warnings allowed.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import wc from 'eslint-plugin-wc';
import lit from 'eslint-plugin-lit';
import litA11y from 'eslint-plugin-lit-a11y';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'examples/*/dist/',
      'storybook-static/',
      'custom-elements.json',
      'test/fixtures/generated/',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.test.json', './server/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'stories/**/*.ts', 'test/**/*.ts'],
    ...wc.configs['flat/recommended'],
  },
  { files: ['src/**/*.ts', 'stories/**/*.ts', 'test/**/*.ts'], ...lit.configs['flat/recommended'] },
  {
    files: ['src/**/*.ts', 'stories/**/*.ts', 'test/**/*.ts'],
    plugins: { 'lit-a11y': litA11y },
    rules: litA11y.configs.recommended.rules,
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // chai's property assertions (`to.be.true`, `to.exist`) are expressions
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // @open-wc's chai plugins type every Assertion as thenable, so each `expect` would need `void`
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  {
    // node:test's describe/it return promises the runner itself awaits
    files: ['server/test/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { ...globals.node }, sourceType: 'module' },
  },
  {
    files: ['demo/**/*.js', 'review/**/*.js', 'examples/*/src/**/*.js', 'bench/**/*.browser.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
