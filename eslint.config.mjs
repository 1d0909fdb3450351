// Lint holds the walls (../shared/STYLE.md): a few type-checked rules that catch real bugs, and the
// project's layering as import boundaries (scripts/eslintWalls.mjs). `npm run lint`; CI fails on any error.
import tseslint from 'typescript-eslint';
import { wallsRule } from './scripts/eslintWalls.mjs';

const ROOT = import.meta.dirname;

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.e2e-cache/**',
      'test-artifacts/**',
      'out/**',
      'coverage/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: ROOT },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, switchboard: { rules: { walls: wallsRule } } },
    rules: {
      'switchboard/walls': 'error',
      // An unawaited promise is a swallowed error or a race; mark deliberate ones with `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      // A switch over a union handles every member (the protocol's unions grow).
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Type-only imports vanish from bundles, so a page cannot pull host code in through a type.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
    },
  },
);
