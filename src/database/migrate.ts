import { DataSource, Migration } from 'typeorm';

// Any constant shared by every Voicegate instance: the key of the session-level advisory lock below.
const MIGRATION_LOCK = 727_100_001;

/**
 * Runs pending migrations, one instance at a time: TypeORM takes no lock, so instances starting together on
 * an empty PostgreSQL database would race. SQLite serialises writers through its file lock.
 */
export async function runMigrationsExclusively(ds: DataSource): Promise<Migration[]> {
  if (ds.options.type !== 'postgres') return ds.runMigrations({ transaction: 'each' });
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await ds.runMigrations({ transaction: 'each' });
  } finally {
    await qr.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await qr.release();
  }
}
