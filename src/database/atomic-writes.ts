import { DataSource, EntityManager, UpdateQueryBuilder } from 'typeorm';
import { toDbTime } from './columns';

interface SqliteDatabase {
  prepare(sql: string): { run(...params: unknown[]): { changes: number } };
  transaction<T>(fn: () => T): () => T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any entity's UPDATE
type Update = UpdateQueryBuilder<any>;
/** Runs one UPDATE and returns the number of rows it changed. */
export type RunUpdate = (qb: Update) => number | Promise<number>;

const sqliteParam = (value: unknown): unknown =>
  typeof value === 'boolean' ? (value ? 1 : 0) : value instanceof Date ? toDbTime(value, false) : value;

/**
 * Several UPDATEs as one all-or-nothing unit. TypeORM's better-sqlite3 driver shares one connection, so
 * overlapping TypeORM transactions nest as savepoints and can commit or roll back each other's work; on SQLite
 * the unit is therefore one synchronous better-sqlite3 transaction, which nothing can interleave with.
 * `steps` must only issue UPDATEs through `run` (on SQLite it runs synchronously, inside the transaction).
 */
export async function atomicUpdates<T>(dataSource: DataSource, steps: (run: RunUpdate, em: EntityManager) => T | Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'better-sqlite3')
    return dataSource.transaction(async (em) => {
      // One client per transaction: queue the statements one after the other.
      let tail: Promise<unknown> = Promise.resolve();
      const run: RunUpdate = (qb) => {
        const done = tail.then(() => qb.setQueryRunner(em.queryRunner!).execute()).then((r) => r.affected ?? 0);
        tail = done.catch(() => undefined);
        return done;
      };
      return steps(run, em);
    });
  const db = (dataSource.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
  const run: RunUpdate = (qb) => {
    const [sql, params] = qb.getQueryAndParameters();
    return db.prepare(sql).run(...params.map(sqliteParam)).changes;
  };
  return db.transaction(() => {
    const result = steps(run, dataSource.manager);
    if (result instanceof Promise) throw new Error('atomicUpdates: steps must be synchronous on SQLite');
    return result;
  })();
}
