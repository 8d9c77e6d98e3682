import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { Clock } from '../src/common/clock';
import { AppConfig, loadConfig } from '../src/config/app-config';
import { captureSecrets, DBS_DIR, dumpPostgres, keepTestDbs } from './security/secrets';
import { createPgDatabase } from './support/infrastructure';

export type Driver = 'sqlite' | 'postgres';

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  config: AppConfig;
  dataSource: DataSource;
  clock: Clock;
  driver: Driver;
  /** File holding this app's structured log output (scanned for secrets by the hygiene tests). */
  logFile: string;
  /** SQLite database file (undefined on Postgres). */
  dbFile?: string;
  /** The database URL this app uses (a fresh database per test file). */
  databaseUrl: string;
  get<T>(token: new (...args: never[]) => T): T;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment (e.g. RATE_LIMIT_ENABLED: 'true', REDIS_URL). */
  env?: Record<string, string>;
  /** Reuse an existing database (second instance on the same data) instead of creating a fresh one. */
  databaseUrl?: string;
  /**
   * Record the secrets in this app's traffic for the hygiene test (default true; the hostile-input walk turns it off).
   */
  captureSecrets?: boolean;
}

export const TEST_ENCRYPTION_KEY = randomBytes(32).toString('base64url') + '=';
export const LOG_DIR = join(__dirname, '..', 'test-output', 'logs');

export const currentDriver = (): Driver => (process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite');

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const driver = currentDriver();
  let databaseUrl = opts.databaseUrl;
  let drop: (() => Promise<void>) | undefined;
  let dbFile: string | undefined;
  if (!databaseUrl) {
    if (driver === 'postgres') ({ url: databaseUrl, drop } = await createPgDatabase('vg_test'));
    else {
      // KEEP_TEST_DBS=1 (scripts/test.sh): kept in test-output/dbs for the hygiene test to scan.
      if (keepTestDbs()) mkdirSync(DBS_DIR, { recursive: true });
      dbFile = join(
        keepTestDbs() ? DBS_DIR : tmpdir(),
        `voicegate-test-${process.pid}-${randomBytes(4).toString('hex')}.db`,
      );
      databaseUrl = `sqlite:${dbFile}`;
      const file = dbFile;
      drop = async () => {
        if (keepTestDbs()) return;
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      };
    }
  } else if (databaseUrl.startsWith('sqlite:')) dbFile = databaseUrl.slice('sqlite:'.length);

  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      BCRYPT_ROUNDS: '4',
      SECRET_KEY: 'test-secret-' + randomBytes(24).toString('hex'),
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      RATE_LIMIT_ENABLED: 'false',
      DATABASE_URL: databaseUrl,
      ...opts.env,
    },
    { persistDevSecrets: false },
  );
  mkdirSync(LOG_DIR, { recursive: true });
  const testFile = basename(expect.getState().testPath ?? 'unknown').replace(/\W+/g, '-');
  const logFile = join(LOG_DIR, `${driver}-${testFile}-${process.pid}-${randomBytes(3).toString('hex')}.log`);
  const logStream: WriteStream = createWriteStream(logFile, { flags: 'a' });
  const app = await createApp(config, { logDestination: logStream });
  if (opts.captureSecrets !== false) captureSecrets(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const dataSource = app.get(DataSource);
  return {
    app,
    http: request(app.getHttpServer()) as unknown as TestAgent,
    config,
    dataSource,
    clock: app.get(Clock),
    driver,
    logFile,
    dbFile,
    databaseUrl,
    get: (token) => app.get(token),
    close: async () => {
      await app.close();
      await new Promise<void>((resolve) => logStream.end(resolve));
      if (drop && !opts.databaseUrl) {
        if (driver === 'postgres' && keepTestDbs()) await dumpPostgres(databaseUrl, basename(logFile, '.log'));
        await drop();
      }
    },
  };
}
