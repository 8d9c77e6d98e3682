import { randomUUID } from 'node:crypto';
import {
  killEverything,
  PASSWORD,
  Query,
  req,
  Res,
  ServiceProcess,
  SHARED_REDIS_URL,
  sharedDatabase,
  startTwo,
  uniq,
} from './helpers';

/** Length of the load phase; CI runs the default, set it lower while developing (MULTI_SOAK_SECONDS=5). */
const SOAK_SECONDS = Number(process.env.MULTI_SOAK_SECONDS ?? 30);
const CLIENTS = 50;
const HIGH = '1000000';

/**
 * 50 concurrent clients against two instances behind no proxy (each request picks an instance at random), for
 * MULTI_SOAK_SECONDS: register, login, job create and status changes, refresh, reads with the new token and the API
 * key, logout and the refusal that must follow. Afterwards: no 5xx, no unexpected status, and every write the
 * service acknowledged is in the database — users, jobs and their final status, revoked sessions, and (after both
 * instances stopped with SIGTERM) one usage count per authenticated request served.
 */
describe(`soak: ${CLIENTS} clients × ${SOAK_SECONDS} s on two instances`, () => {
  let db: { url: string; query: Query; drop: () => Promise<void> };
  let instances: ServiceProcess[];

  beforeAll(async () => {
    db = await sharedDatabase('vg_multi_soak');
    const env = {
      // Fifty clients register at once: the per-instance cap on password work is not what this soak measures.
      PASSWORD_HASH_MAX_PENDING: '256',
      DATABASE_URL: db.url,
      REDIS_URL: SHARED_REDIS_URL,
      // Limits on, through Redis, but out of reach: this measures correctness under load, not limiting.
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_USER_PER_MINUTE: HIGH,
      RATE_LIMIT_USER_PER_HOUR: HIGH,
      RATE_LIMIT_USER_PER_DAY: HIGH,
      RATE_LIMIT_ANON_PER_MINUTE: HIGH,
      RATE_LIMIT_ANON_PER_HOUR: HIGH,
      RATE_LIMIT_ANON_PER_DAY: HIGH,
      RATE_LIMIT_AUTH_PER_MINUTE: HIGH,
    };
    instances = await startTwo(env);
  }, 120_000);

  afterAll(async () => {
    await killEverything();
    await db?.drop();
  }, 30_000);

  test(
    'no 5xx, no unexpected answer, no acknowledged write lost',
    async () => {
      const acked = { users: [] as string[], jobs: new Map<string, string>(), loggedOut: [] as string[] };
      const stats = { requests: 0, authenticated: 0, byStatus: new Map<number, number>(), slowestMs: 0 };
      const failures: string[] = [];
      const pick = () => instances[Math.floor(Math.random() * instances.length)];

      /** One request to a random instance; anything but `expected` is a failure (and ends this client's iteration). */
      async function call(
        step: string,
        expected: number,
        method: string,
        path: string,
        opts: Parameters<typeof req>[3] = {},
        authenticated = false,
      ): Promise<Res | null> {
        const svc = pick();
        stats.requests++;
        let r: Res;
        try {
          r = await req(svc, method, path, { ...opts, timeoutMs: 30_000 });
        } catch (err) {
          failures.push(`${step} on ${svc.name}: ${(err as Error).message}`);
          return null;
        }
        stats.byStatus.set(r.status, (stats.byStatus.get(r.status) ?? 0) + 1);
        stats.slowestMs = Math.max(stats.slowestMs, r.ms);
        if (r.status !== expected) {
          failures.push(`${step} on ${svc.name}: expected ${expected}, got ${r.status} ${r.text.slice(0, 200)}`);
          return null;
        }
        if (authenticated) stats.authenticated++;
        return r;
      }

      async function iteration(): Promise<void> {
        const username = `soak_${uniq()}`;
        const reg = await call('register', 201, 'POST', '/auth/register', {
          json: { email: `${username}@example.com`, username, password: PASSWORD },
        });
        if (!reg) return;
        acked.users.push(reg.body.id);
        const apiKey: string = reg.body.api_key;

        const li = await call('login', 200, 'POST', '/auth/login', { json: { username, password: PASSWORD } });
        if (!li) return;
        let access: string = li.body.tokens.access_token;
        const refresh: string = li.body.tokens.refresh_token;
        const sessionId: string = li.body.session_id;

        const jobId = randomUUID();
        const job = await call(
          'create job',
          201,
          'POST',
          '/jobs',
          { token: access, json: { filename: `${username}.wav`, job_id: jobId, task: 'transcribe' } },
          true,
        );
        if (!job) return;
        acked.jobs.set(jobId, 'pending');
        if (
          !(await call(
            'job → processing',
            200,
            'PATCH',
            `/jobs/${jobId}`,
            { apiKey, json: { status: 'processing' } },
            true,
          ))
        )
          return;
        acked.jobs.set(jobId, 'processing');

        const rf = await call('refresh', 200, 'POST', '/auth/refresh', { json: { refresh_token: refresh } });
        if (!rf) return;
        access = rf.body.access_token ?? rf.body.tokens?.access_token;

        if (
          !(await call(
            'job → completed',
            200,
            'PATCH',
            `/jobs/${jobId}`,
            { token: access, json: { status: 'completed', transcript: 'hello', detected_language: 'en' } },
            true,
          ))
        )
          return;
        acked.jobs.set(jobId, 'completed');
        const second = randomUUID();
        if (
          !(await call(
            'create job (API key)',
            201,
            'POST',
            '/jobs',
            { apiKey, json: { filename: 'second.wav', job_id: second } },
            true,
          ))
        )
          return;
        acked.jobs.set(second, 'pending');
        if (!(await call('me', 200, 'GET', '/auth/me', { token: access }, true))) return;

        if (!(await call('logout', 204, 'POST', '/auth/logout', { token: access, json: {} }, true))) return;
        acked.loggedOut.push(sessionId);
        // Revocation holds on whichever instance answers next.
        await call('me after logout', 401, 'GET', '/auth/me', { token: access });
      }

      const started = Date.now();
      const deadline = started + SOAK_SECONDS * 1000;
      let iterations = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (Date.now() < deadline && failures.length < 50) {
            await iteration();
            iterations++;
          }
        }),
      );

      const loadMs = Date.now() - started;

      // Both instances stop gracefully: their buffered usage counters reach the database.
      const exits = await Promise.all(instances.map((s) => s.stop('SIGTERM', 30_000)));

      const summary = {
        iterations,
        requests: stats.requests,
        perSecond: Math.round(stats.requests / (loadMs / 1000)),
        byStatus: Object.fromEntries(stats.byStatus),
        slowestMs: stats.slowestMs,
        failures: failures.length,
      };
      process.stderr.write(`[multi soak] ${JSON.stringify(summary)}\n`);
      expect(failures.slice(0, 20)).toEqual([]);
      expect([...stats.byStatus.keys()].filter((s) => s >= 500)).toEqual([]);
      expect(iterations).toBeGreaterThanOrEqual(CLIENTS); // every client got through at least one full round
      expect(exits).toEqual([
        { code: 0, signal: null },
        { code: 0, signal: null },
      ]);
      for (const s of instances) expect(s.logs().filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);

      // Every acknowledged write is there.
      const users = await db.query<{ n: string }>('SELECT count(*) AS n FROM users WHERE id = ANY($1::uuid[])', [
        acked.users,
      ]);
      expect(Number(users[0].n)).toBe(acked.users.length);
      const jobs = await db.query<{ job_id: string; status: string }>(
        'SELECT job_id, status FROM transcription_jobs WHERE job_id = ANY($1::uuid[])',
        [[...acked.jobs.keys()]],
      );
      expect(jobs.length).toBe(acked.jobs.size);
      expect(jobs.filter((j) => j.status !== acked.jobs.get(j.job_id))).toEqual([]);
      const live = await db.query<{ id: string }>(
        'SELECT id FROM user_sessions WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL',
        [acked.loggedOut],
      );
      expect(live).toEqual([]);
      const [usage] = await db.query<{ n: string }>(
        'SELECT coalesce(sum(usage_total_requests), 0) AS n FROM users WHERE id = ANY($1::uuid[])',
        [acked.users],
      );
      expect(Number(usage.n)).toBe(stats.authenticated);
    },
    SOAK_SECONDS * 1000 + 120_000,
  );
});
