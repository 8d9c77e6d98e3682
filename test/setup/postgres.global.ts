import { Client } from 'pg';

/** The PostgreSQL run is required (CI and locally): an unreachable server fails the run loudly, never skips. */
export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(
      `PostgreSQL is required for the e2e-postgres tests and is not reachable at ${url}: ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
