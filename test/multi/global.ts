import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import Redis from 'ioredis';
import { Client } from 'pg';
import { SERVICE, SHARED_PG_URL, SHARED_REDIS_URL } from './helpers';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port, timeout: 3000 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

/**
 * The multi-instance tests need the built service (they do not build: scripts/test.sh runs `npm run build` first),
 * the shared PostgreSQL and Redis, and the PostgreSQL server and redis-server binaries for their private instances.
 * Anything missing fails the run here, once, with what to do.
 */
export default async function globalSetup(): Promise<void> {
  const problems: string[] = [];
  if (!existsSync(SERVICE))
    problems.push(`${SERVICE} does not exist: run \`npm run build\` first (scripts/test.sh does).`);
  const pg = new Client({ connectionString: SHARED_PG_URL, connectionTimeoutMillis: 5000 });
  try {
    await pg.connect();
  } catch (err) {
    problems.push(`PostgreSQL is not reachable at ${SHARED_PG_URL}: ${(err as Error).message}`);
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = new URL(SHARED_REDIS_URL);
  if (!(await reachable(redis.hostname, Number(redis.port || 6379))))
    problems.push(`Redis is not reachable at ${SHARED_REDIS_URL}`);
  else {
    // Rate-limit windows (up to a day) of earlier runs live in this Redis db: every run starts from empty counters.
    const client = new Redis(SHARED_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client
      .connect()
      .then(() => client.flushdb())
      .finally(() => client.disconnect());
  }
  const pgRoot = '/usr/lib/postgresql';
  if (
    !process.env.TEST_PG_BIN &&
    !(existsSync(pgRoot) && readdirSync(pgRoot).some((v) => existsSync(`${pgRoot}/${v}/bin/postgres`)))
  )
    problems.push(
      'No PostgreSQL server binaries under /usr/lib/postgresql/*/bin (set TEST_PG_BIN) for the private database of the outage tests',
    );
  try {
    execFileSync(process.env.TEST_REDIS_SERVER ?? 'redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    problems.push('redis-server is not installed (or set TEST_REDIS_SERVER) for the private Redis of the outage tests');
  }
  if (problems.length) throw new Error(`The multi-instance tests cannot run:\n- ${problems.join('\n- ')}`);
}
