import { runMigrationsExclusively } from '../database/migrate';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { describeDatabase } from './cli-config';
import { CliError } from './cli-error';

/** Fails in milliseconds when PostgreSQL is unreachable, instead of the service's ten start-up retries. */
export async function probeDatabase(config: AppConfig): Promise<void> {
  if (config.database.type !== 'postgres') return;
  const client = new Client({ connectionString: config.database.url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new CliError(`Cannot connect to ${describeDatabase(config)}: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A bare DataSource (no Nest), for the migration commands. */
export async function withDataSource<T>(config: AppConfig, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  await probeDatabase(config);
  const ds = new DataSource(dataSourceOptions(config.database, { migrationsRun: false }));
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

export async function runPendingMigrations(
  ds: DataSource,
  out: NodeJS.WritableStream = process.stderr,
): Promise<string[]> {
  const applied = await runMigrationsExclusively(ds);
  for (const m of applied) out.write(`Applied migration ${m.name}\n`);
  return applied.map((m) => m.name);
}
