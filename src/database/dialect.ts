import { DataSource } from 'typeorm';
import { toDbTime } from './columns';

/**
 * The one place that knows which SQL dialect the service speaks: raw statements ask it for their placeholders,
 * stored times and driver-only clauses instead of testing the driver themselves.
 */
export class Dialect {
  readonly postgres: boolean;

  constructor(dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** `'postgres'` or `'sqlite'`, as the health check reports it. */
  get name(): 'postgres' | 'sqlite' {
    return this.postgres ? 'postgres' : 'sqlite';
  }

  /** A Date as the driver stores it, for raw comparisons. */
  time(date: Date): Date | string {
    return toDbTime(date, this.postgres);
  }

  /** A time as a raw query returns it (SQLite: UTC text 'YYYY-MM-DD HH:MM:SS.SSS') as a Date. */
  readTime(value: Date | string): Date {
    return value instanceof Date ? value : new Date(this.postgres ? value : `${value.replace(' ', 'T')}Z`);
  }

  /** The n-th (1-based) positional parameter of a raw query. */
  param(n: number): string {
    return this.postgres ? `$${n}` : '?';
  }

  /** A SELECT's row lock, where the driver has one (SQLite's write transaction already excludes other writers). */
  get forUpdate(): string {
    return this.postgres ? ' FOR UPDATE' : '';
  }
}

const dialects = new WeakMap<DataSource, Dialect>();

/** The dialect of a data source (one instance per data source). */
export function dialectOf(dataSource: DataSource): Dialect {
  let d = dialects.get(dataSource);
  if (!d) dialects.set(dataSource, (d = new Dialect(dataSource)));
  return d;
}
