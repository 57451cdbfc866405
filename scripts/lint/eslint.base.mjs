// Shared ESLint flat config. Each project has an eslint.config.mjs that spreads this.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** @param {string} projectDir absolute path of the project (import.meta.dirname) */
export function loupeLint(projectDir, { pure = false } = {}) {
  return tseslint.config(
    { ignores: ['**/dist/**', '**/node_modules/**', '**/*.mjs', '**/vite.config.mts', '**/vitest.config.mts'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
      plugins: { '@nx': nx },
      files: ['**/*.ts', '**/*.tsx'],
      languageOptions: {
        parserOptions: { project: './tsconfig.json', tsconfigRootDir: projectDir },
      },
      rules: {
        '@nx/enforce-module-boundaries': [
          'error',
          {
            enforceBuildableLibDependency: false,
            allow: [],
            depConstraints: [
              { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
              { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
              { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
              { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:server', 'scope:shared'] },
              { sourceTag: 'purity:pure', onlyDependOnLibsWithTags: ['purity:pure'] },
            ],
          },
        ],
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
        '@typescript-eslint/no-explicit-any': 'error',
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        'no-restricted-syntax': [
          'error',
          { selector: "MemberExpression[object.name='it'][property.name=/^(only|skip)$/]", message: 'No focused or skipped tests.' },
          { selector: "MemberExpression[object.name='describe'][property.name=/^(only|skip)$/]", message: 'No focused or skipped tests.' },
        ],
      },
    },
    pure
      ? {
          files: ['**/*.ts'],
          rules: {
            'no-restricted-imports': [
              'error',
              {
                patterns: [
                  { group: ['node:*', 'fs', 'net', 'http', 'https', 'crypto', 'child_process'], message: 'libs/auction is pure: no I/O.' },
                  { group: ['@nestjs/*', 'ioredis', 'bullmq', 'pg', 'typeorm', '@clickhouse/*'], message: 'libs/auction is pure: no framework or I/O clients.' },
                ],
              },
            ],
          },
        }
      : {},
  );
}
