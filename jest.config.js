// Three tiers (STYLE.md): unit tests beside the code; e2e on SQLite and on PostgreSQL (same files, two projects).
const tsJest = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      tsconfig: 'tsconfig.json',
      isolatedModules: false,
      // The Nest Swagger plugin annotates DTOs from their types, as `nest build` does.
      astTransformers: { before: ['<rootDir>/test/setup/swagger-transformer.js'] },
    },
  ],
};
const esmToCjs = {
  '^.+/node_modules/.+\\.m?js$': ['babel-jest', { configFile: require.resolve('./test/setup/esm-to-cjs.babel.js') }],
};
// ES-module-only packages (Nest 12 and friends) are compiled to CommonJS for Jest; everything else is left alone.
const fs = require('node:fs');
const path = require('node:path');
function esmPackagesIn(dir) {
  return fs.existsSync(dir) ? esmNames(dir) : [];
}
function esmPackages(dir = path.join(__dirname, 'node_modules')) {
  return esmNames(dir).map((n) => n.replace(/[.+]/g, '\\$&'));
}
function esmNames(dir) {
  const found = [];
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (name.startsWith('.')) continue;
    const names = name.startsWith('@') ? fs.readdirSync(path.join(dir, name)).map((n) => `${name}/${n}`) : [name];
    for (const n of names) {
      try {
        if (JSON.parse(fs.readFileSync(path.join(dir, n, 'package.json'), 'utf8')).type === 'module') found.push(n);
      } catch {
        // not a package folder
      }
      // Nested copies too (otplib's noble plugin ships its own ESM-only @noble/hashes 2).
      if (dir === path.join(__dirname, 'node_modules')) found.push(...esmPackagesIn(path.join(dir, n, 'node_modules')));
    }
  }
  return [...new Set(found)];
}
const ESM_PACKAGES = esmPackages();
const base = {
  testEnvironment: 'node',
  transform: { ...tsJest, ...esmToCjs },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  rootDir: __dirname,
};
const e2e = (name, db) => ({
  ...base,
  displayName: name,
  testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
  setupFiles: [`<rootDir>/test/setup/${db}.env.ts`],
  globalSetup: `<rootDir>/test/setup/${db}.global.ts`,
  slowTestThreshold: 20,
});

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    e2e('e2e-sqlite', 'sqlite'),
    e2e('e2e-postgres', 'postgres'),
    // The admin dashboard in headless Chromium (test/browser): SQLite only, run serially (npm run test:browser).
    {
      ...base,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      setupFiles: ['<rootDir>/test/setup/sqlite.env.ts'],
      globalSetup: '<rootDir>/test/setup/sqlite.global.ts',
      slowTestThreshold: 60,
    },
    // The operator CLI and the first start, as child processes of the built dist/ (test/cli): SQLite, plus PostgreSQL where a test says so.
    {
      ...base,
      displayName: 'cli',
      testMatch: ['<rootDir>/test/cli/**/*.cli-spec.ts'],
      setupFiles: ['<rootDir>/test/setup/sqlite.env.ts'],
      globalSetup: '<rootDir>/test/cli/build.global.ts',
      slowTestThreshold: 60,
    },
    // Several instances of the built dist/ as child processes sharing PostgreSQL and Redis, with outages and SIGTERM (test/multi).
    {
      ...base,
      displayName: 'multi',
      testMatch: ['<rootDir>/test/multi/**/*.multi-spec.ts'],
      globalSetup: '<rootDir>/test/multi/global.ts',
      slowTestThreshold: 90,
    },
    // Secrets hygiene (test/security): scans the logs and databases every run before it left, so it runs alone,
    // last (scripts/test.sh sets JEST_HYGIENE=1 for that step only).
    ...(process.env.JEST_HYGIENE === '1'
      ? [{ ...base, displayName: 'hygiene', testMatch: ['<rootDir>/test/security/**/*.hygiene-spec.ts'] }]
      : []),
  ],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
};
