import {
  Account,
  killEverything,
  login,
  PASSWORD,
  PrivateRedis,
  Query,
  register,
  req,
  ServiceProcess,
  sharedDatabase,
  startService,
  startTwo,
  TcpProxy,
  Tokens,
  waitFor,
} from './helpers';

/**
 * CONTRACT §1/§11: Redis (our private redis-server) disappears under two running instances and comes back empty.
 * The service keeps serving (rate limits fail open to in-process counting), revocation falls back to the database
 * (a logout during the outage is refused on the other instance at once), the outage is logged, /health is 503 with
 * `redis: "unavailable"`, and everything is shared again after Redis returns — including state cached before it left.
 */
describe('Redis outage (private redis-server) under two instances', () => {
  let db: { url: string; query: Query; drop: () => Promise<void> };
  let redis: PrivateRedis;
  /** A reaches Redis through this proxy (to cut A alone off); B connects directly. */
  let proxy: TcpProxy;
  let a: ServiceProcess;
  let b: ServiceProcess;
  /** Started while Redis is down. */
  let c: ServiceProcess;
  let env: Record<string, string>;
  let early: Account;
  let earlyTokens: Tokens;

  beforeAll(async () => {
    db = await sharedDatabase('vg_multi_redis');
    redis = await PrivateRedis.create();
    proxy = await TcpProxy.create(redis.port);
    env = {
      DATABASE_URL: db.url,
      LOG_LEVEL: 'info', // the "Redis is back" line is informational
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_USER_PER_MINUTE: '100',
      RATE_LIMIT_AUTH_PER_MINUTE: '10000',
      RATE_LIMIT_ANON_PER_MINUTE: '10000',
    };
    [a, b] = await startTwo({ ...env, REDIS_URL: `redis://127.0.0.1:${proxy.port}/0` }, { REDIS_URL: redis.url() });
  }, 120_000);

  afterAll(async () => {
    await killEverything();
    await proxy?.close();
    await db?.drop();
  }, 30_000);

  const health = async (svc: ServiceProcess) =>
    (await req(svc, 'GET', '/health', { timeoutMs: 5000 })).body as { status: string; database: string; redis: string };

  test('before the outage: both instances cache a session and share counters', async () => {
    early = await register(a, 'early');
    earlyTokens = await login(a, early.username);
    // Both instances now hold this session (and user) in their caches.
    for (const svc of [a, b])
      expect((await req(svc, 'GET', '/auth/me', { token: earlyTokens.access })).status).toBe(200);
    const [r1, r2] = [
      await req(a, 'GET', '/auth/me', { apiKey: early.apiKey }),
      await req(b, 'GET', '/auth/me', { apiKey: early.apiKey }),
    ];
    expect(Number(r1.headers.get('x-ratelimit-remaining')) - Number(r2.headers.get('x-ratelimit-remaining'))).toBe(1);
  }, 30_000);

  test('Redis down: serving goes on, health says so, revocation falls back to the database', async () => {
    await redis.stop();
    for (const svc of [a, b]) {
      const h = await waitFor(`${svc.name} to report Redis unavailable`, async () => {
        const r = await req(svc, 'GET', '/health', { timeoutMs: 5000 });
        return r.status === 503 && r;
      });
      expect(h.body).toMatchObject({ status: 'unhealthy', database: 'ok', redis: 'unavailable' });
      expect(h.ms).toBeLessThan(3000);
    }

    // Keeps serving: reads, writes, registration and login on both, each promptly (no per-request Redis timeout).
    const u = await register(b, 'during');
    const t = await login(a, u.username);
    for (const svc of [a, b]) {
      const me = await req(svc, 'GET', '/auth/me', { token: t.access });
      expect(me.status).toBe(200);
      expect(me.ms).toBeLessThan(3000);
      expect(me.headers.get('x-ratelimit-limit')).toBe('100'); // rate limits fail open to in-process counting
      const job = await req(svc, 'POST', '/jobs', { apiKey: u.apiKey, json: { filename: 'during-outage.wav' } });
      expect(job.status).toBe(201);
    }

    // A logout on A is refused on B at once, though the invalidation message could not be published.
    expect((await req(a, 'POST', '/auth/logout', { token: t.access, json: {} })).status).toBe(204);
    expect((await req(b, 'GET', '/auth/me', { token: t.access })).status).toBe(401);
    expect((await req(a, 'GET', '/auth/me', { token: t.access })).status).toBe(401);

    // The session cached before the outage: logged out on B now; A, which cached it as valid, refuses it too.
    expect((await req(b, 'POST', '/auth/logout', { token: earlyTokens.access, json: {} })).status).toBe(204);
    expect((await req(a, 'GET', '/auth/me', { token: earlyTokens.access })).status).toBe(401);

    // An API key regenerated on B: the old one is refused on A (which had verified it before the outage).
    const t2 = await login(b, early.username);
    const regen = await req(b, 'POST', '/auth/regenerate-api-key', { token: t2.access });
    expect(regen.status).toBe(200);
    expect((await req(a, 'GET', '/auth/me', { apiKey: early.apiKey })).status).toBe(401);
    early.apiKey = regen.body.api_key;

    // An instance (re)started during the outage comes up, serves, and checks the database too.
    c = await startService('C', { ...env, REDIS_URL: redis.url() }, { acceptUnhealthy: true });
    expect(await health(c)).toMatchObject({ status: 'unhealthy', database: 'ok', redis: 'unavailable' });
    expect((await req(c, 'GET', '/auth/me', { apiKey: u.apiKey })).status).toBe(200);
    expect((await req(c, 'GET', '/auth/me', { token: t.access })).status).toBe(401);

    for (const svc of [a, b, c]) {
      expect(svc.alive).toBe(true);
      const warnings = svc.logs().filter((l) => l.level === 'warn' && /Redis/.test(String(l.msg)));
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      // Logged once per outage, not once per request.
      expect(warnings.filter((l) => String(l.msg).startsWith('Redis unavailable')).length).toBe(1);
    }
  }, 60_000);

  test('Redis back (empty): healthy again, state cached before the outage is not trusted, sharing resumes', async () => {
    await redis.start();
    for (const svc of [a, b, c]) {
      await waitFor(`${svc.name} to be healthy again`, async () => (await health(svc)).redis === 'ok', {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      expect(await health(svc)).toMatchObject({ status: 'healthy', database: 'ok', redis: 'ok' });
      expect(svc.logs().some((l) => /Redis is back/.test(String(l.msg)))).toBe(true);
    }

    // What changed during the outage stays refused everywhere (caches were dropped on reconnect).
    for (const svc of [a, b, c])
      expect((await req(svc, 'GET', '/auth/me', { token: earlyTokens.access })).status).toBe(401);

    // Invalidation travels through Redis again: B caches a session, A logs it out, B refuses it.
    const u = await register(a, 'after');
    const t = await login(a, u.username);
    for (const svc of [b, c]) expect((await req(svc, 'GET', '/auth/me', { token: t.access })).status).toBe(200);
    expect((await req(a, 'POST', '/auth/logout', { token: t.access, json: {} })).status).toBe(204);
    for (const svc of [b, c]) expect((await req(svc, 'GET', '/auth/me', { token: t.access })).status).toBe(401);

    // Counters are shared again (the storage retries Redis shortly after its last failure): one budget for A and B.
    await waitFor(
      'rate-limit counters to be shared again',
      async () => {
        const fresh = await login(b, early.username, PASSWORD);
        const r1 = await req(a, 'GET', '/auth/me', { token: fresh.access });
        const r2 = await req(b, 'GET', '/auth/me', { token: fresh.access });
        return (
          r1.status === 200 &&
          r2.status === 200 &&
          Number(r1.headers.get('x-ratelimit-remaining')) - Number(r2.headers.get('x-ratelimit-remaining')) === 1
        );
      },
      { timeoutMs: 15_000, intervalMs: 300 },
    );

    // Everything acknowledged during the outage is in the database.
    const [jobs] = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM transcription_jobs WHERE filename = 'during-outage.wav'",
    );
    expect(Number(jobs.n)).toBe(2);
    for (const svc of [a, b, c]) expect(svc.logs().filter((l) => l.level === 'error')).toEqual([]);
  }, 60_000);

  test('partition: A alone cut off from Redis — A checks the database, B drops what it cached within seconds', async () => {
    const u = await register(b, 'part');
    const t = await login(b, u.username);
    for (const svc of [a, b]) expect((await req(svc, 'GET', '/auth/me', { token: t.access })).status).toBe(200); // cached on both

    proxy.cut();
    await waitFor('A to notice it lost Redis', async () => (await health(a)).redis === 'unavailable', {
      timeoutMs: 15_000,
    });
    expect(await health(b)).toMatchObject({ status: 'healthy', redis: 'ok' });

    // A logs the session out; its invalidation message cannot reach B.
    expect((await req(a, 'POST', '/auth/logout', { token: t.access, json: {} })).status).toBe(204);
    expect((await req(a, 'GET', '/auth/me', { token: t.access })).status).toBe(401);
    // B learns it from the database when its cached entry expires (5 s), while the partition lasts.
    const loggedOutAt = Date.now();
    await waitFor(
      'B to refuse the logged-out session',
      async () => (await req(b, 'GET', '/auth/me', { token: t.access })).status === 401,
      { timeoutMs: 10_000, intervalMs: 250 },
    );
    expect(Date.now() - loggedOutAt).toBeLessThan(8000);

    proxy.restore();
    await waitFor('A to reconnect', async () => (await health(a)).redis === 'ok', {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    expect((await req(a, 'GET', '/auth/me', { token: t.access })).status).toBe(401);
  }, 60_000);
});
