import { randomUUID } from 'node:crypto';
import {
  killEverything,
  login,
  PrivatePostgres,
  PrivateRedis,
  Query,
  queryOn,
  register,
  req,
  ServiceProcess,
  startService,
  waitFor,
} from './helpers';

/**
 * CONTRACT §11: PostgreSQL goes away under a running service (our private cluster, stopped and restarted). Requests
 * are answered 503 problem+json promptly — never a 500, never a hang — /health says so, the process stays up and
 * recovers by itself when the database returns, and nothing acknowledged before the outage is lost.
 */
const POOL_SIZE = 4;

describe('PostgreSQL outage (private cluster)', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let app: ServiceProcess;
  let query: Query;
  const acknowledged = { users: [] as string[], jobs: [] as string[], completed: [] as string[] };
  let user: { username: string; apiKey: string };
  let token: string;

  beforeAll(async () => {
    pg = await PrivatePostgres.create();
    const url = await pg.createDatabase('voicegate');
    query = queryOn(url);
    redis = await PrivateRedis.create();
    // Production timeouts; a small pool, so the frozen-database test can hold every connection.
    app = await startService('app', {
      DATABASE_URL: url,
      REDIS_URL: redis.url(),
      RATE_LIMIT_ENABLED: 'false',
      DATABASE_POOL_SIZE: String(POOL_SIZE),
    });
  }, 120_000);

  afterAll(async () => {
    await killEverything();
    await pg?.destroy();
  }, 30_000);

  /** Writes through the API, remembering every one the service acknowledged. */
  async function acknowledgedWrites(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const u = await register(app, 'pgo');
      acknowledged.users.push(u.id);
      const job = await req(app, 'POST', '/jobs', {
        apiKey: user.apiKey,
        json: { filename: `f-${i}.wav`, job_id: randomUUID() },
      });
      expect(job.status).toBe(201);
      acknowledged.jobs.push(job.body.job_id);
      const done = await req(app, 'PATCH', `/jobs/${job.body.job_id}`, {
        apiKey: user.apiKey,
        json: { status: 'completed', transcript: `text ${i}` },
      });
      expect(done.status).toBe(200);
      acknowledged.completed.push(job.body.job_id);
    }
  }

  function expectUnavailable(
    r: { status: number; headers: Headers; body: { code?: string; status?: number }; ms: number },
    what: string,
  ): void {
    if (r.status !== 503) throw new Error(`${what}: expected 503, got ${r.status} ${JSON.stringify(r.body)}`);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(r.headers.get('retry-after')).toBeTruthy();
    expect(r.ms).toBeLessThan(8000); // pg's connectionTimeoutMillis is 5 s; a refused connection is immediate
  }

  async function duringOutage(): Promise<void> {
    const health = await req(app, 'GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unhealthy', database: 'unavailable', redis: 'ok' });

    const attempts = await Promise.all([
      req(app, 'POST', '/auth/register', {
        json: {
          email: `x${randomUUID()}@example.com`,
          username: `x_${Date.now()}`,
          password: 'Correct-Horse-9-Battery',
        },
      }),
      req(app, 'POST', '/auth/login', { json: { username: user.username, password: 'Correct-Horse-9-Battery' } }),
      req(app, 'POST', '/auth/token', { form: { username: user.username, password: 'Correct-Horse-9-Battery' } }),
      req(app, 'GET', '/auth/me', { token }),
      req(app, 'POST', '/jobs', { apiKey: user.apiKey, json: { filename: 'lost.wav' } }),
      req(app, 'GET', '/jobs', { apiKey: user.apiKey }),
      // A burst larger than the pool: nothing may queue forever.
      ...Array.from({ length: 20 }, () => req(app, 'GET', '/auth/sessions', { token })),
    ]);
    // GET /auth/me may still answer from a principal cached before the outage (it needs no database round trip);
    // everything that must read or write the database is 503.
    attempts.forEach((r, i) => (i === 3 && r.status === 200 ? undefined : expectUnavailable(r, `request ${i}`)));
    expect(app.alive).toBe(true);
  }

  async function recovered(): Promise<void> {
    await waitFor(
      '/health to be 200 again',
      async () => (await req(app, 'GET', '/health', { timeoutMs: 5000 })).status === 200,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // Every kind of request works again without restarting the service.
    expect((await req(app, 'GET', '/auth/me', { token })).status).toBe(200);
    expect(
      (
        await req(app, 'POST', '/auth/login', {
          json: { username: user.username, password: 'Correct-Horse-9-Battery' },
        })
      ).status,
    ).toBe(200);
    await acknowledgedWrites(2);
  }

  async function nothingLost(): Promise<void> {
    const users = await query<{ id: string }>('SELECT id FROM users WHERE id = ANY($1::uuid[])', [acknowledged.users]);
    expect(users.length).toBe(acknowledged.users.length);
    const jobs = await query<{ job_id: string; status: string }>(
      'SELECT job_id, status FROM transcription_jobs WHERE job_id = ANY($1::uuid[])',
      [acknowledged.jobs],
    );
    expect(jobs.length).toBe(acknowledged.jobs.length);
    const completed = new Set(acknowledged.completed);
    expect(jobs.filter((j) => completed.has(j.job_id)).every((j) => j.status === 'completed')).toBe(true);
  }

  test('before the outage: writes are acknowledged', async () => {
    const u = await register(app, 'pgowner');
    acknowledged.users.push(u.id);
    user = u;
    token = (await login(app, u.username)).access;
    await acknowledgedWrites(3);
    expect((await req(app, 'GET', '/health')).status).toBe(200);
  }, 60_000);

  test('fast shutdown of PostgreSQL: 503 problem+json, /health 503, process up; recovers by itself; nothing lost', async () => {
    await pg.stop('fast');
    await duringOutage();
    await pg.start();
    await recovered();
    await nothingLost();
    expect(app.logs().filter((l) => l.level === 'error' && /TypeError|ReferenceError/.test(JSON.stringify(l)))).toEqual(
      [],
    );
  }, 90_000);

  test('crash of PostgreSQL (immediate shutdown, WAL recovery): the same, and acknowledged writes survive the crash', async () => {
    await acknowledgedWrites(2);
    await pg.stop('immediate');
    await duringOutage();
    await pg.start();
    await recovered();
    await nothingLost();
  }, 90_000);

  test('PostgreSQL hangs (every process frozen, connections open): 503 within seconds, not a hang; recovers', async () => {
    // Every pooled connection busy or stuck, then the server frozen under them.
    await Promise.all(Array.from({ length: POOL_SIZE + 2 }, () => req(app, 'GET', '/auth/sessions', { token })));
    pg.freeze();
    const settled: { status: number | string; at: number }[] = [];
    let all: Promise<unknown>[];
    const frozenAt = Date.now();
    let thawedAfter = Infinity;
    try {
      all = [
        req(app, 'GET', '/health', { timeoutMs: 60_000 }),
        // Routes that must reach the database (GET /auth/me may answer 200 from the cached user row instead).
        ...Array.from({ length: 12 }, (_, i) =>
          i % 2
            ? req(app, 'GET', '/auth/sessions', { token, timeoutMs: 60_000 })
            : req(app, 'POST', '/jobs', { apiKey: user.apiKey, json: { filename: 'frozen.wav' }, timeoutMs: 60_000 }),
        ),
      ].map((p) =>
        p.then(
          (r) => settled.push({ status: r.status, at: Date.now() - frozenAt }),
          (e: Error) => settled.push({ status: e.message, at: Date.now() - frozenAt }),
        ),
      );
      // /health has its own 2 s bound; requests waiting for a connection give up after connectionTimeoutMillis (5 s).
      // The few whose query went out on a pooled connection are bounded by query_timeout (35 s): not waited for here.
      await waitFor('the requests without a connection to be answered', () => settled.length >= 13 - POOL_SIZE, {
        timeoutMs: 20_000,
      });
    } finally {
      pg.thaw();
      thawedAfter = Date.now() - frozenAt;
    }
    await Promise.all(all);
    const answeredFrozen = settled.filter((s) => s.at < thawedAfter);
    expect(answeredFrozen.length).toBeGreaterThanOrEqual(13 - POOL_SIZE);
    expect(answeredFrozen.map((s) => s.status)).toEqual(answeredFrozen.map(() => 503));
    expect(Math.max(...answeredFrozen.map((s) => s.at))).toBeLessThan(9000);
    // Those stuck on a connection complete when the server thaws; nothing is a 500.
    expect(settled.filter((s) => ![200, 201, 503].includes(s.status as number))).toEqual([]);
    expect(app.alive).toBe(true);
    await recovered();
    await nothingLost();
  }, 90_000);

  test('the service exits cleanly afterwards (SIGTERM → 0)', async () => {
    const { code } = await app.stop('SIGTERM');
    expect({ code, out: code === 0 ? '' : app.tail() }).toEqual({ code: 0, out: '' });
  }, 30_000);
});
