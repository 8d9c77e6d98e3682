import { DataSource, EntityManager, ObjectLiteral, QueryFailedError } from 'typeorm';
import { toDbTime } from './columns';
import { dialectOf } from './dialect';

/*
 * All-or-nothing units of several statements. TypeORM's better-sqlite3 driver shares one connection, so
 * overlapping TypeORM transactions nest as savepoints and can commit or roll back each other's work; on SQLite a
 * unit is therefore one synchronous better-sqlite3 transaction, which nothing can interleave with. On Postgres it
 * is a TypeORM transaction. Statements run on SQLite are reported to TypeORM's logger like TypeORM's own, and
 * fail with the same QueryFailedError.
 */

interface SqliteStatement {
  reader: boolean;
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
}
/** better-sqlite3's connection, as TypeORM's driver holds it (one per data source). */
export interface SqliteDatabase {
  /** The file's path. */
  name: string;
  memory: boolean;
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): { immediate(): T };
  pragma(source: string): unknown;
}

/** A statement of a unit: a TypeORM query builder, or SQL with `:named` parameters. */
export type Statement = { getQueryAndParameters(): [string, unknown[]] } | { sql: string; params: ObjectLiteral };
/** What a statement gave back: its rows (a SELECT, or RETURNING) and the number of rows it changed. */
export interface Outcome {
  rows: unknown[];
  affected: number;
}
type Prepared = [sql: string, params: unknown[]];

/** What a unit's steps see (see atomically). */
export interface Unit {
  /** Builds query builders; on Postgres the transaction's own manager. */
  readonly em: EntityManager;
  readonly postgres: boolean;
  /** `const n = yield* unit.write(statement)`: the number of rows the statement changed. */
  write(statement: Statement): Generator<Prepared, number, Outcome>;
  /** `const rows = yield* unit.read<Row>(statement)`: the rows, as the driver returns them. */
  read<R>(statement: Statement): Generator<Prepared, R[], Outcome>;
}
export type Steps<T> = (unit: Unit) => Generator<Prepared, T, Outcome>;

const sqliteParam = (value: unknown): unknown =>
  typeof value === 'boolean' ? (value ? 1 : 0) : value instanceof Date ? toDbTime(value, false) : value;

export const sqliteDatabase = (dataSource: DataSource): SqliteDatabase =>
  (dataSource.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;

/** Prepared statements per connection, by SQL text: preparing costs more than running a short statement. */
const prepared = new WeakMap<SqliteDatabase, Map<string, SqliteStatement>>();
const MAX_PREPARED = 500;

function prepareCached(db: SqliteDatabase, sql: string): SqliteStatement {
  let cache = prepared.get(db);
  if (!cache) prepared.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    if (cache.size >= MAX_PREPARED) cache.delete(cache.keys().next().value!);
    cache.set(sql, statement);
  }
  return statement;
}

function runSqlite(dataSource: DataSource, db: SqliteDatabase, sql: string, params: unknown[]): Outcome {
  const values = params.map(sqliteParam);
  dataSource.logger.logQuery(sql, values);
  try {
    const statement = prepareCached(db, sql);
    if (!statement.reader) return { rows: [], affected: statement.run(...values).changes };
    const rows = statement.all(...values);
    return { rows, affected: rows.length };
  } catch (err) {
    dataSource.logger.logQueryError(err as Error, sql, values);
    throw new QueryFailedError(sql, values, err as Error);
  }
}

/**
 * Several statements, reads included, as one all-or-nothing unit whose steps are written once for both drivers:
 * `steps` is a generator that yields each statement through `unit.write` / `unit.read` (with `yield*`) and gets
 * its outcome back — synchronously inside one BEGIN IMMEDIATE transaction on SQLite (reads and writes see no
 * other writer in between), awaited one after the other in a transaction on Postgres (where a read that decides
 * a write must lock what it reads, e.g. SELECT … FOR UPDATE). Returns what the generator returns.
 */
export async function atomically<T>(dataSource: DataSource, steps: Steps<T>): Promise<T> {
  const postgres = dialectOf(dataSource).postgres;
  const prepare = (s: Statement): Prepared =>
    'sql' in s ? (dataSource.driver.escapeQueryWithParameters(s.sql, s.params) as Prepared) : s.getQueryAndParameters();
  const unit = (em: EntityManager): Unit => ({
    em,
    postgres,
    *write(statement) {
      return (yield prepare(statement)).affected;
    },
    *read<R>(statement: Statement) {
      return (yield prepare(statement)).rows as R[];
    },
  });

  if (postgres)
    return dataSource.transaction(async (em) => {
      const it = steps(unit(em));
      for (let next = it.next(); ;) {
        if (next.done) return next.value;
        const result = await em.queryRunner!.query(next.value[0], next.value[1], true);
        next = it.next({ rows: result.records ?? [], affected: result.affected ?? 0 });
      }
    });
  const db = sqliteDatabase(dataSource);
  return db
    .transaction(() => {
      const it = steps(unit(dataSource.manager));
      for (let next = it.next(); ;) {
        if (next.done) return next.value;
        next = it.next(runSqlite(dataSource, db, ...next.value));
      }
    })
    .immediate();
}
