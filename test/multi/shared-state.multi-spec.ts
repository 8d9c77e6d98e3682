import {
  killEverything,
  login,
  PASSWORD,
  Query,
  register,
  req,
  SHARED_REDIS_URL,
  ServiceProcess,
  sharedDatabase,
  startTwo,
} from './helpers';

const ADMIN = { username: 'multi_admin', email: 'multi_admin@example.com', password: 'Admin-Password-9-Multi' };

/**
 * CONTRACT §1/§4/§9: two instances (A and B, separate processes on separate ports) sharing one PostgreSQL database
 * and one Redis behave as one service. Each change is made on A after B has cached the state it changes, so a pass
 * means the change reached B (Redis pub/sub invalidation or shared counters), not that B happened to ask the database.
 */
describe('two instances sharing PostgreSQL and Redis', () => {
  let db: { url: string; query: Query; drop: () => Promise<void> };
  let a: ServiceProcess;
  let b: ServiceProcess;

  beforeAll(async () => {
    db = await sharedDatabase('vg_multi_shared');
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: SHARED_REDIS_URL,
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_USER_PER_MINUTE: '5',
      // Registrations and logins all come from 127.0.0.1: the per-IP limits are not what this file tests.
      RATE_LIMIT_AUTH_PER_MINUTE: '10000',
      RATE_LIMIT_ANON_PER_MINUTE: '10000',
      LOCKOUT_MAX_ATTEMPTS: '5',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    };
    // A migrates; B starts once it has (both then race to create the first admin: one does, the other sees it).
    [a, b] = await startTwo(env);
  }, 120_000);

  afterAll(async () => {
    await killEverything();
    await db?.drop();
  }, 30_000);

  test('a user registered on A signs in on B, and B accepts what A issued', async () => {
    const u = await register(a, 'reg');
    const tokens = await login(b, u.username);
    const me = await req(a, 'GET', '/auth/me', { token: tokens.access });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(u.id);
    expect((await req(b, 'GET', '/auth/me', { apiKey: u.apiKey })).status).toBe(200);
  });

  test('logout on A: the token is refused on B at its next request', async () => {
    const u = await register(a, 'out');
    const t = await login(a, u.username);
    expect((await req(b, 'GET', '/auth/me', { token: t.access })).status).toBe(200); // B has the session cached
    expect((await req(a, 'POST', '/auth/logout', { token: t.access, json: {} })).status).toBe(204);
    const after = await req(b, 'GET', '/auth/me', { token: t.access });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await req(b, 'POST', '/auth/refresh', { json: { refresh_token: t.refresh } })).status).toBe(401);
  });

  test('a rate limit of 5/min is counted across both: 5 requests spread over A and B pass, the 6th is 429 on either', async () => {
    const u = await register(a, 'rl');
    const t = await login(b, u.username);
    const remaining: string[] = [];
    for (const svc of [a, b, a, b, a]) {
      const r = await req(svc, 'GET', '/auth/me', { token: t.access });
      expect(r.status).toBe(200);
      remaining.push(r.headers.get('x-ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    for (const svc of [b, a]) {
      const r = await req(svc, 'GET', '/auth/me', { apiKey: u.apiKey }); // the API key shares the user's budget
      expect(r.status).toBe(429);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(r.headers.get('x-ratelimit-limit')).toBe('5');
    }
  });

  test('lockout: 5 wrong passwords split over A and B lock the account on both', async () => {
    const u = await register(a, 'lock');
    const statuses: number[] = [];
    for (const svc of [a, b, a, b, a])
      statuses.push(
        (await req(svc, 'POST', '/auth/login', { json: { username: u.username, password: 'Wrong-Password-123' } }))
          .status,
      );
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect([401, 423]).toContain(statuses[4]);
    for (const svc of [b, a]) {
      const r = await req(svc, 'POST', '/auth/login', { json: { username: u.username, password: PASSWORD } });
      expect(r.status).toBe(423);
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const [row] = await db.query<{ failed_login_attempts: number; locked_until: Date | null }>(
      'SELECT failed_login_attempts, locked_until FROM users WHERE id = $1',
      [u.id],
    );
    expect(row.failed_login_attempts).toBe(5);
    expect(row.locked_until).not.toBeNull();
  });

  test('lockout under concurrency: 10 parallel wrong passwords over both instances count 5 at most', async () => {
    const u = await register(b, 'plock');
    const rs = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        req(i % 2 ? a : b, 'POST', '/auth/token', { form: { username: u.username, password: 'Wrong-Password-123' } }),
      ),
    );
    expect(rs.every((r) => r.status === 401 || r.status === 423)).toBe(true);
    const [row] = await db.query<{ failed_login_attempts: number }>(
      'SELECT failed_login_attempts FROM users WHERE id = $1',
      [u.id],
    );
    expect(row.failed_login_attempts).toBe(5);
    expect((await req(a, 'POST', '/auth/login', { json: { username: u.username, password: PASSWORD } })).status).toBe(
      423,
    );
    expect((await req(b, 'POST', '/auth/login', { json: { username: u.username, password: PASSWORD } })).status).toBe(
      423,
    );
  });

  test('an API key regenerated on A is refused on B at once; the new one works there', async () => {
    const u = await register(a, 'key');
    const t = await login(a, u.username);
    expect((await req(b, 'GET', '/auth/me', { apiKey: u.apiKey })).status).toBe(200); // B has verified and cached the old key
    const regen = await req(a, 'POST', '/auth/regenerate-api-key', { token: t.access });
    expect(regen.status).toBe(200);
    const old = await req(b, 'GET', '/auth/me', { apiKey: u.apiKey });
    expect(old.status).toBe(401);
    expect(old.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await req(b, 'GET', '/auth/me', { apiKey: regen.body.api_key })).status).toBe(200);
  });

  test('a suspension on A (admin API) is refused on B at once, with the status in the answer; unsuspending lets the user back in', async () => {
    const admin = await login(a, ADMIN.username, ADMIN.password);
    const u = await register(a, 'susp');
    const t = await login(b, u.username);
    expect((await req(b, 'GET', '/auth/me', { token: t.access })).status).toBe(200);
    expect((await req(b, 'GET', '/auth/me', { apiKey: u.apiKey })).status).toBe(200);

    const s = await req(a, 'POST', `/auth/admin/users/${u.id}/suspend`, {
      token: admin.access,
      json: { reason: 'multi-instance test' },
    });
    expect(s.status).toBe(200);
    const [row] = await db.query<{ is_suspended: boolean }>('SELECT is_suspended FROM users WHERE id = $1', [u.id]);
    expect(row.is_suspended).toBe(true);

    for (const auth of [{ token: t.access }, { apiKey: u.apiKey }]) {
      const r = await req(b, 'GET', '/auth/me', auth);
      expect(r.status).toBe(403);
      expect(r.body.detail).toBe('Account suspended');
    }
    expect((await req(b, 'POST', '/auth/login', { json: { username: u.username, password: PASSWORD } })).status).toBe(
      403,
    );

    expect((await req(b, 'POST', `/auth/admin/users/${u.id}/unsuspend`, { token: admin.access })).status).toBe(200);
    const again = await login(a, u.username);
    expect((await req(b, 'GET', '/auth/me', { apiKey: u.apiKey })).status).toBe(200);
    expect((await req(b, 'GET', '/auth/me', { token: again.access })).status).toBe(200);
  });

  test('both instances are healthy and report Redis', async () => {
    for (const svc of [a, b]) {
      const h = await req(svc, 'GET', '/health');
      expect(h.status).toBe(200);
      expect(h.body).toMatchObject({ status: 'healthy', database: 'ok', redis: 'ok' });
    }
  });
});
