// Lint: typescript-eslint's recommended rules plus the module graph (which folder may import which).
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The module graph. Infrastructure (common/, config/, database/, redis/) imports no feature; audit/ imports only
 * infrastructure (it listens to events, it calls no feature); outside audit/ only its event contract
 * (audit/audit.events) is imported; nothing but the application root imports admin/ (the top of the graph).
 */
const INFRASTRUCTURE = 'common|config|database|redis';
/** From a file `depth` folders below src/, an import of another src/ folder that is not infrastructure. */
const infrastructureOnly = (depth) => ({
  regex: `^(\\.\\./){${depth}}(?!(${INFRASTRUCTURE})(/|$))[^/]+/`,
  message: 'Infrastructure and audit import no feature module: publish or listen to a domain event instead.',
});
const NOT_ADMIN = { regex: '(^|/)admin/', message: 'Nothing imports admin/: it is the top of the module graph.' };
const AUDIT_EVENTS_ONLY = {
  regex: '(^|/)audit/(?!audit\\.events$)',
  message: 'Features reach the audit trail through its events (audit/audit.events), not its services.',
};
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const below = (folders, depth) =>
  `src/${folders.includes(',') ? `{${folders}}` : folders}/${'*/'.repeat(depth - 1)}*.ts`;
const boundaries = [
  ...[1, 2, 3].map((depth) => ({
    files: [below(INFRASTRUCTURE.replaceAll('|', ','), depth), below('audit', depth)],
    ignores: ['src/database/entities.ts'],
    rules: restrict(infrastructureOnly(depth)),
  })),
  { files: ['src/cli/**/*.ts'], rules: restrict(NOT_ADMIN) },
  {
    files: ['src/*/**/*.ts'],
    ignores: ['src/{common,config,database,redis,audit,cli,admin}/**'],
    rules: restrict(NOT_ADMIN, AUDIT_EVENTS_ONLY),
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '**/dist/**',
      'node_modules/**',
      'data/**',
      'test-output/**',
      'admin-ui/src/api-types.ts',
      'bench/results/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...boundaries,
);
