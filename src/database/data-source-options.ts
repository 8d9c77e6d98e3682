import { join } from 'node:path';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { QueryErrorLogger } from './query-logger';

// Compiled (dist/migrations/*.js) or, under ts-jest/ts-node, the sources.
const MIGRATIONS = [join(__dirname, '..', '..', 'migrations', '*.{js,ts}')];

export function dataSourceOptions(db: DatabaseConfig, opts: { migrationsRun?: boolean } = {}): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS.map((p) =>
      __filename.endsWith('.ts') ? p.replace('{js,ts}', 'ts') : p.replace('{js,ts}', 'js'),
    ),
    migrationsRun: opts.migrationsRun ?? false,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: ['error'] as 'error'[],
    logger: new QueryErrorLogger(), // never the parameters of a failed query (hashes, emails)
  };
  if (db.type === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: db.url,
      uuidExtension: 'pgcrypto',
      installExtensions: false,
      poolSize: db.poolSize,
      // A database that stops answering costs a request at most 5 s to get a connection or 35 s for a query (the
      // server's statement_timeout cancels slow queries first), answered 503: never a hang. keepAlive finds dead peers.
      extra: {
        max: db.poolSize,
        connectionTimeoutMillis: 5000,
        statement_timeout: 30000,
        query_timeout: 35000,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10000,
      },
      migrationsTransactionMode: 'each',
    } as DataSourceOptions;
  }
  if (db.database !== ':memory:') privateSqliteFile(db.database);
  return {
    ...common,
    type: 'better-sqlite3',
    database: db.database,
    enableWAL: true,
    // Concurrent writers wait for the lock instead of failing with SQLITE_BUSY.
    timeout: 10000,
    prepareDatabase: (conn: { pragma: (s: string) => unknown }) => {
      conn.pragma('foreign_keys = ON');
      conn.pragma('synchronous = NORMAL');
      conn.pragma('busy_timeout = 10000');
    },
    migrationsTransactionMode: 'each',
  } as DataSourceOptions;
}

/**
 * The SQLite file is readable by its owner only (0600, like the secrets file): created so before SQLite opens it
 * (its -wal and -shm files take the same mode), and tightened when an older start left it wider.
 */
function privateSqliteFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const suffix of ['', '-wal', '-shm'])
    try {
      chmodSync(file + suffix, 0o600);
    } catch {
      // absent (-wal, -shm before the first write) or not ours: SQLite reports what matters when it opens the file
    }
}
