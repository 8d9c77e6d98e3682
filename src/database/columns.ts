import { Column, ColumnOptions, CreateDateColumn, UpdateDateColumn } from 'typeorm';
import { parseDatabaseUrl } from '../config/app-config';

// No single timestamp type works on both drivers: timestamptz on Postgres, datetime on SQLite, chosen once, when
// entities load.
export const isPostgres = (): boolean => parseDatabaseUrl(process.env.DATABASE_URL).type === 'postgres';

const timestampType = () => (isPostgres() ? 'timestamptz' : 'datetime');

export const TimestampColumn = (options: Omit<ColumnOptions, 'type'> = {}) =>
  Column({ type: timestampType(), ...options });
export const CreatedAtColumn = () => CreateDateColumn({ name: 'created_at', type: timestampType() });
export const UpdatedAtColumn = () => UpdateDateColumn({ name: 'updated_at', type: timestampType() });
export const JsonColumn = (options: Omit<ColumnOptions, 'type'> = {}) => Column({ type: 'jsonb', ...options });

/** A Date as the driver stores it, for raw SQL comparisons (SQLite keeps UTC text 'YYYY-MM-DD HH:MM:SS.SSS'). */
export function toDbTime(date: Date, postgres: boolean): Date | string {
  return postgres ? date : date.toISOString().replace('T', ' ').replace('Z', '');
}

/** A time as a raw query returns it as a Date (Postgres: a Date; SQLite: UTC text 'YYYY-MM-DD HH:MM:SS.SSS'). */
export function fromDbTime(value: Date | string): Date;
export function fromDbTime(value: Date | string | null): Date | null;
export function fromDbTime(value: Date | string | null): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  return new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);
}
