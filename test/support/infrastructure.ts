import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Client } from 'pg';

/** The PostgreSQL every test project uses (trust auth); each test file gets a database of its own on it. */
export const SHARED_PG_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TempPgDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The same server URL with another database name. */
export const withDatabase = (serverUrl: string, name: string) => serverUrl.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh database (`<prefix>_<pid>_<random>`), dropped by `drop()` even while connections are still open. */
export async function createPgDatabase(prefix: string, serverUrl = SHARED_PG_URL): Promise<TempPgDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  return {
    name,
    url: withDatabase(serverUrl, name),
    drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
