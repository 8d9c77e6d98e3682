import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomInt, randomUUID } from 'node:crypto';
import { Response } from 'supertest';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../../src/audit/audit.events';
import { PrincipalCache } from '../../src/auth/credential/principal-cache';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';

const LIMIT = 5;
const AUTH_LIMIT = 4;
/** A fresh client address per test (TRUST_PROXY=true here), so per-IP budgets never leak between tests. */
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const rl = (res: Response) => ({
  limit: res.headers['x-ratelimit-limit'],
  remaining: res.headers['x-ratelimit-remaining'],
  reset: res.headers['x-ratelimit-reset'],
});

describe('rate limits (CONTRACT §9)', () => {
  let t: TestApp;
  const events: SecurityEventInput[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_USER_PER_MINUTE: String(LIMIT),
        RATE_LIMIT_ANON_PER_MINUTE: '3',
        RATE_LIMIT_AUTH_PER_MINUTE: String(AUTH_LIMIT),
        TRUST_PROXY: 'true',
      },
    });
    t.get(EventEmitter2).on(SECURITY_EVENT, (e: SecurityEventInput) => events.push(e));
  });
  afterAll(() => t.close());

  const me = (u: TestUser, via: 'jwt' | 'api_key' = 'jwt') =>
    via === 'jwt' ? t.http.get('/auth/me').set(u.auth) : t.http.get('/auth/me').set('X-API-Key', u.apiKey);

  async function exhaust(u: TestUser, n = LIMIT): Promise<void> {
    for (let i = 0; i < n; i++) await me(u).expect(200);
  }

  it(`counts down 4,3,2,1,0 with a limit of ${LIMIT}/min, then answers 429 problem+json with Retry-After`, async () => {
    const u = await createUser(t);
    const resets = new Set<string>();
    for (let i = 1; i <= LIMIT; i++) {
      const before = t.clock.now();
      const res = await me(u).expect(200);
      expect(rl(res)).toMatchObject({ limit: String(LIMIT), remaining: String(LIMIT - i) });
      const reset = Number(res.headers['x-ratelimit-reset']);
      if (i === 1) {
        // unix seconds, one minute after the window's first hit
        expect(reset).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 60);
        expect(reset).toBeLessThanOrEqual(Math.ceil(t.clock.now() / 1000) + 60);
      }
      resets.add(res.headers['x-ratelimit-reset']);
      expect(res.headers['ratelimit-policy']).toBe(
        `"minute";q=${LIMIT};w=60, "hour";q=500;w=3600, "day";q=5000;w=86400`,
      );
      expect(res.headers['ratelimit']).toMatch(new RegExp(`^"minute";r=${LIMIT - i};t=\\d+$`));
    }
    expect(resets.size).toBe(1); // a fixed window: later hits do not move the reset
    const res = await me(u).expect(429);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      title: 'Too Many Requests',
      detail: `Rate limit exceeded: ${LIMIT} requests per minute`,
    });
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(rl(res)).toMatchObject({ limit: String(LIMIT), remaining: '0' });
  });

  it('the /api alias and a trailing slash are the same budget', async () => {
    const u = await createUser(t);
    await t.http.get('/auth/me').set(u.auth).expect(200);
    expect(rl(await t.http.get('/api/auth/me').set(u.auth).expect(200)).remaining).toBe('3');
    expect(rl(await t.http.get('/api/auth/me/').set(u.auth).expect(200)).remaining).toBe('2');
  });

  it("a user's JWT sessions and API key share one count", async () => {
    const u = await createUser(t);
    for (let i = 0; i < 3; i++) await me(u, 'jwt').expect(200);
    expect(rl(await me(u, 'api_key').expect(200)).remaining).toBe('1');
    expect(rl(await me(u, 'api_key').expect(200)).remaining).toBe('0');
    await me(u, 'jwt').expect(429);
    await me(u, 'api_key').expect(429);
  });

  it('two users do not share a count', async () => {
    const [a, b] = [await createUser(t), await createUser(t)];
    await exhaust(a);
    await me(a).expect(429);
    expect(rl(await me(b).expect(200)).remaining).toBe(String(LIMIT - 1));
  });

  it('concurrent requests: exactly the limit gets through', async () => {
    const u = await createUser(t);
    const statuses = (await Promise.all(Array.from({ length: LIMIT + 4 }, () => me(u)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });

  it(`an admin gets 10× (${LIMIT * 10})`, async () => {
    const admin = await createAdmin(t);
    for (let i = 1; i <= LIMIT * 10; i++) {
      const res = await me(admin).expect(200);
      if (i === 1)
        expect(res.headers['ratelimit-policy']).toBe(
          `"minute";q=${LIMIT * 10};w=60, "hour";q=5000;w=3600, "day";q=50000;w=86400`,
        );
      expect(rl(res)).toMatchObject({ limit: String(LIMIT * 10), remaining: String(LIMIT * 10 - i) });
    }
    await me(admin).expect(429);
  });

  it("a per-user override applies on the next request (after the user's state is invalidated)", async () => {
    const u = await createUser(t);
    expect(rl(await me(u).expect(200))).toMatchObject({ limit: String(LIMIT), remaining: String(LIMIT - 1) });
    await t.dataSource.query(
      `UPDATE users SET rate_limit_per_minute = 2, rate_limit_per_hour = 40 WHERE id = ${t.driver === 'postgres' ? '$1' : '?'}`,
      [u.id],
    );
    await t.get(PrincipalCache).invalidateUser(u.id);
    const res = await me(u).expect(200);
    expect(rl(res)).toMatchObject({ limit: '2', remaining: '0' });
    expect(res.headers['ratelimit-policy']).toBe(`"minute";q=2;w=60, "hour";q=40;w=3600, "day";q=5000;w=86400`);
    expect((await me(u, 'api_key').expect(429)).body.detail).toBe('Rate limit exceeded: 2 requests per minute');
  });

  it('an override set through the admin API applies on the next request, and clearing it restores the default', async () => {
    const admin = await createAdmin(t);
    const u = await createUser(t);
    expect(rl(await me(u).expect(200)).limit).toBe(String(LIMIT));
    const put = await t.http
      .put(`/auth/admin/users/${u.id}`)
      .set(admin.auth)
      .send({ rate_limits: { per_minute: 2 } })
      .expect(200);
    expect(put.body.rate_limits).toMatchObject({ per_minute: 2 });
    expect(rl(await me(u).expect(200))).toMatchObject({ limit: '2', remaining: '0' });
    await me(u).expect(429);
    await t.http.put(`/auth/admin/users/${u.id}`).set(admin.auth).send({ rate_limits: null }).expect(200);
    expect(rl(await me(u).expect(200))).toMatchObject({ limit: String(LIMIT), remaining: String(LIMIT - 4) });
  });

  it('runs after RolesGuard: a 403 is answered before counting (never 429, no headers, budget untouched)', async () => {
    const u = await createUser(t);
    for (let i = 0; i < LIMIT + 2; i++) {
      const res = await t.http.get('/auth/admin/users').set(u.auth).expect(403);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
    expect(rl(await me(u).expect(200)).remaining).toBe(String(LIMIT - 1));
  });

  it('advancing the clock past the minute restores the budget', async () => {
    const u = await createUser(t);
    await exhaust(u);
    await me(u).expect(429);
    t.clock.advance(61_000);
    const res = await me(u).expect(200);
    expect(rl(res)).toMatchObject({ limit: String(LIMIT), remaining: String(LIMIT - 1) });
  });

  it('reports the tightest window: the hour once it has fewer requests left than the minute', async () => {
    const u = await createUser(t);
    await t.dataSource.query(
      `UPDATE users SET rate_limit_per_hour = 7 WHERE id = ${t.driver === 'postgres' ? '$1' : '?'}`,
      [u.id],
    );
    await t.get(PrincipalCache).invalidateUser(u.id);
    await exhaust(u, 4); // minute 1 left, hour 3 left → minute is tightest
    t.clock.advance(61_000);
    const res = await me(u).expect(200); // minute 4 left, hour 2 left
    expect(rl(res)).toMatchObject({ limit: '7', remaining: '2' });
    expect(res.headers['ratelimit']).toMatch(/^"hour";r=2;t=\d+$/);
    await me(u).expect(200);
    await me(u).expect(200);
    const blocked = await me(u).expect(429);
    expect(blocked.body.detail).toBe('Rate limit exceeded: 7 requests per hour');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(60); // the hour window, not the minute
    expect(rl(blocked)).toMatchObject({ limit: '7', remaining: '0' });
  });

  it("a request whose authentication fails spends the IP's anonymous budget (401 until it is spent, then 429), not the user's", async () => {
    const u = await createUser(t);
    const ip = freshIp();
    for (let i = 0; i < LIMIT; i++) await me(u).set('X-Forwarded-For', ip).expect(200);
    await me(u).set('X-Forwarded-For', ip).expect(429);
    // The spent budget is the user's; the IP's anonymous one (3 per minute here) is fresh.
    const anon = await t.http.get('/auth/me').set('X-Forwarded-For', ip).expect(401);
    expect(rl(anon)).toMatchObject({ limit: '3', remaining: '2' });
    await t.http.get('/auth/me').set('X-Forwarded-For', ip).set('Authorization', 'Bearer not.a.jwt').expect(401);
    await t.http.get('/auth/me').set('X-Forwarded-For', ip).set('X-API-Key', 'tk_not_a_real_key').expect(401);
    const blocked = await t.http
      .get('/auth/me')
      .set('X-Forwarded-For', ip)
      .set('X-API-Key', 'tk_not_a_real_key')
      .expect(429);
    expect(blocked.body.detail).toBe('Rate limit exceeded: 3 requests per minute');
  });

  it('keys an authenticated request on the user, not the IP: one user from two IPs shares a count', async () => {
    const u = await createUser(t);
    for (let i = 0; i < LIMIT; i++) await me(u).set('X-Forwarded-For', freshIp()).expect(200);
    await me(u).set('X-Forwarded-For', freshIp()).expect(429);
  });

  it('sets the headers before the handler runs: a 404 and a 422 from a limited route carry them', async () => {
    const u = await createUser(t);
    const notFound = await t.http.get(`/api-keys/${randomUUID()}`).set(u.auth).expect(404);
    expect(rl(notFound)).toMatchObject({ limit: String(LIMIT), remaining: String(LIMIT - 1) });
    const invalid = await t.http.put('/auth/profile').set(u.auth).send({ full_name: 42 }).expect(422);
    expect(rl(invalid)).toMatchObject({ limit: String(LIMIT), remaining: String(LIMIT - 2) });
  });

  describe('credential endpoints: stricter per-IP limit in their own group', () => {
    it.each([
      [
        'login',
        (ip: string) =>
          t.http
            .post('/auth/login')
            .set('X-Forwarded-For', ip)
            .send({ username: `nobody_${randomInt(1e9)}`, password: 'wrong-password' }),
        401,
      ],
      [
        'token',
        (ip: string) =>
          t.http
            .post('/auth/token')
            .set('X-Forwarded-For', ip)
            .type('form')
            .send({ grant_type: 'password', username: `nobody_${randomInt(1e9)}`, password: 'wrong-password' }),
        401,
      ],
      [
        'register',
        (ip: string) => t.http.post('/auth/register').set('X-Forwarded-For', ip).send({ email: 'not-an-email' }),
        422,
      ],
      [
        'refresh',
        (ip: string) => t.http.post('/auth/refresh').set('X-Forwarded-For', ip).send({ refresh_token: 'bogus' }),
        401,
      ],
    ])(`%s: ${AUTH_LIMIT} per minute per anonymous IP, then 429`, async (_name, call, status) => {
      const ip = freshIp();
      for (let i = 1; i <= AUTH_LIMIT; i++) {
        const res = await call(ip);
        expect(res.status).toBe(status);
        expect(rl(res)).toMatchObject({ limit: String(AUTH_LIMIT), remaining: String(AUTH_LIMIT - i) });
      }
      const blocked = await call(ip);
      expect(blocked.status).toBe(429);
      expect(blocked.body).toMatchObject({
        code: 'RATE_LIMITED',
        detail: `Rate limit exceeded: ${AUTH_LIMIT} requests per minute`,
      });
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await call(freshIp())).status).toBe(status); // another IP is unaffected
    });

    it('login, token and register share one group per IP', async () => {
      const ip = freshIp();
      await t.http
        .post('/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ username: 'nobody_x', password: 'wrong-password' })
        .expect(401);
      await t.http
        .post('/auth/token')
        .set('X-Forwarded-For', ip)
        .type('form')
        .send({ grant_type: 'password', username: 'nobody_x', password: 'wrong-password' })
        .expect(401);
      await t.http.post('/auth/register').set('X-Forwarded-For', ip).send({}).expect(422);
      await t.http.post('/auth/refresh').set('X-Forwarded-For', ip).send({ refresh_token: 'bogus' }).expect(401);
      await t.http
        .post('/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ username: 'nobody_x', password: 'wrong-password' })
        .expect(429);
    });

    it("does not eat the user's budget, and a spent user can still refresh and sign in", async () => {
      const u = await createUser(t);
      const ip = freshIp();
      await exhaust(u);
      await me(u).expect(429);
      const refreshed = await t.http
        .post('/auth/refresh')
        .set('X-Forwarded-For', ip)
        .send({ refresh_token: u.refreshToken })
        .expect(200);
      expect(rl(refreshed)).toMatchObject({ limit: String(AUTH_LIMIT), remaining: String(AUTH_LIMIT - 1) });
      await t.http
        .post('/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ username: u.username, password: u.password })
        .expect(200);
      const v = await createUser(t);
      const ip2 = freshIp();
      for (let i = 0; i < AUTH_LIMIT; i++)
        await t.http
          .post('/auth/login')
          .set('X-Forwarded-For', ip2)
          .send({ username: 'nobody_y', password: 'wrong-password' });
      expect(rl(await me(v).set('X-Forwarded-For', ip2).expect(200)).remaining).toBe(String(LIMIT - 1));
    });
  });

  it('/health is never limited and carries no rate-limit headers', async () => {
    const ip = freshIp();
    for (let i = 0; i < 10; i++) {
      const res = await t.http.get('/api/health').set('X-Forwarded-For', ip).expect(200);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it('/docs and /openapi.json are served outside the router: never limited', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      const doc = await t.http.get('/openapi.json').set('X-Forwarded-For', ip).expect(200);
      expect(doc.headers['x-ratelimit-limit']).toBeUndefined();
      const ui = await t.http.get('/docs').set('X-Forwarded-For', ip).redirects(1);
      expect(ui.status).toBe(200);
      expect(ui.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it('audits a rejection once per identity and window, not once per 429', async () => {
    const u = await createUser(t);
    const ip = freshIp();
    await exhaust(u);
    for (let i = 0; i < 4; i++) await me(u).expect(429);
    for (let i = 0; i < AUTH_LIMIT + 3; i++)
      await t.http.post('/auth/refresh').set('X-Forwarded-For', ip).send({ refresh_token: 'bogus' });
    await new Promise((r) => setImmediate(r));
    const mine = events.filter((e) => e.type === SecurityEventType.RateLimited && e.userId === u.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      severity: 'warning',
      details: { window: 'minute', limit: LIMIT, identity: 'user', method: 'GET', path: '/auth/me' },
    });
    const byIp = events.filter((e) => e.type === SecurityEventType.RateLimited && e.meta?.ip === ip);
    expect(byIp).toHaveLength(1);
    expect(byIp[0]).toMatchObject({ userId: null, details: { scope: 'auth', identity: 'ip', path: '/auth/refresh' } });
    // A new window may be audited again.
    t.clock.advance(61_000);
    await exhaust(u);
    await me(u).expect(429);
    expect(events.filter((e) => e.type === SecurityEventType.RateLimited && e.userId === u.id)).toHaveLength(2);
  });
});

describe('rate limits without a trusted proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_AUTH_PER_MINUTE: '2', TRUST_PROXY: 'false' },
    });
  });
  afterAll(() => t.close());

  it('a spoofed X-Forwarded-For does not buy a fresh per-IP budget', async () => {
    for (let i = 0; i < 2; i++)
      await t.http.post('/auth/refresh').set('X-Forwarded-For', freshIp()).send({ refresh_token: 'bogus' }).expect(401);
    await t.http.post('/auth/refresh').set('X-Forwarded-For', freshIp()).send({ refresh_token: 'bogus' }).expect(429);
  });
});

describe('RATE_LIMIT_ENABLED=false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_USER_PER_MINUTE: '1', RATE_LIMIT_AUTH_PER_MINUTE: '1' },
    });
  });
  afterAll(() => t.close());

  it('turns every limit and header off', async () => {
    const u = await createUser(t);
    for (let i = 0; i < 3; i++) {
      const res = await t.http.get('/auth/me').set(u.auth).expect(200);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      await t.http.post('/auth/refresh').send({ refresh_token: 'bogus' }).expect(401);
    }
  });
});
