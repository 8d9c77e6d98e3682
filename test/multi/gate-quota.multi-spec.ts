import Redis from 'ioredis';
import {
  killEverything,
  login,
  Query,
  register,
  req,
  ServiceProcess,
  sharedDatabase,
  startService,
  startTwo,
} from './helpers';

const ADMIN = { username: 'gate_admin', email: 'gate_admin@example.com', password: 'Admin-Password-9-Gate' };
// The gate's own Redis database (keys name fresh user ids).
const REDIS_URL = process.env.TEST_GATE_MULTI_REDIS_URL ?? 'redis://127.0.0.1:6379/12';

/**
 * The gate on two processes sharing PostgreSQL and Redis: parallel forwarded requests against a monthly quota are
 * decided on one atomic counter, both processes' counts reach the database exactly (SIGTERM flushes them), and a
 * process killed after the quota was spent cannot forget it.
 */
describe('the gate on two instances (PostgreSQL + Redis)', () => {
  let db: { url: string; query: Query; drop: () => Promise<void> };
  let a: ServiceProcess;
  let b: ServiceProcess;
  let adminToken: string;
  let env: Record<string, string>;
  const users: string[] = [];

  beforeAll(async () => {
    db = await sharedDatabase('vg_multi_gate');
    env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      RATE_LIMIT_AUTH_PER_MINUTE: '10000',
      RATE_LIMIT_ANON_PER_MINUTE: '10000',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    };
    [a, b] = await startTwo(env);
    adminToken = (await login(a, ADMIN.username, ADMIN.password)).access;
  }, 120_000);

  afterAll(async () => {
    await killEverything();
    const redis = new Redis(REDIS_URL);
    for (const id of users) {
      const keys = await redis.keys(`voicegate:*${id}*`);
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
    await db?.drop();
  }, 30_000);

  const verify = (svc: ServiceProcess, apiKey: string, uri = '/tts') =>
    req(svc, 'GET', '/auth/verify', { apiKey, headers: { 'x-forwarded-uri': uri, 'x-forwarded-method': 'POST' } });

  test('60 parallel requests over A and B against a quota of 13 allow exactly 13; SIGTERM flushes exact counts', async () => {
    const u = await register(a, 'gq');
    users.push(u.id);
    const put = await req(a, 'PUT', `/auth/admin/users/${u.id}`, { token: adminToken, json: { quota: { tts: 13 } } });
    expect(put.status).toBe(200);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => verify(i % 2 ? a : b, u.apiKey)));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(13);
    expect(new Set(ok.map((r) => r.headers.get('x-quota-remaining'))).size).toBe(13);
    expect(results.filter((r) => r.status === 429)).toHaveLength(47);
    // Plain requests (no quota) on both.
    const plain = await Promise.all(Array.from({ length: 40 }, (_, i) => verify(i % 2 ? a : b, u.apiKey, '/status')));
    expect(plain.every((r) => r.status === 200)).toBe(true);

    expect((await a.stop('SIGTERM')).code).toBe(0);
    expect((await b.stop('SIGTERM')).code).toBe(0);
    const [row] = await db.query(
      'SELECT usage_total_requests, usage_tts, usage_month_tts, usage_month_requests FROM users WHERE id = $1',
      [u.id],
    );
    expect(row).toEqual({ usage_total_requests: 53, usage_tts: 13, usage_month_tts: 13, usage_month_requests: 53 });
    [a, b] = await startTwo({ ...env, MIGRATIONS_RUN: 'false' });
  }, 120_000);

  test('both killed right after the quota was spent: the shared counter still refuses after the restart', async () => {
    const u = await register(a, 'gk');
    users.push(u.id);
    await req(a, 'PUT', `/auth/admin/users/${u.id}`, { token: adminToken, json: { quota: { transcriptions: 3 } } });
    for (const svc of [a, b, a]) expect((await verify(svc, u.apiKey, '/transcribe')).status).toBe(200);
    await a.stop('SIGKILL');
    await b.stop('SIGKILL');
    a = await startService('A2', { ...env, MIGRATIONS_RUN: 'false' });
    const refused = await verify(a, u.apiKey, '/transcribe');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('QUOTA_EXCEEDED');
    await a.stop('SIGTERM');
  }, 120_000);

  test('one instance without Redis, killed right after the quota was spent: the database remembers it', async () => {
    const solo = { ...env, REDIS_URL: undefined, MIGRATIONS_RUN: 'false' };
    let s = await startService('S', solo);
    const token = (await login(s, ADMIN.username, ADMIN.password)).access;
    const u = await register(s, 'gs');
    await req(s, 'PUT', `/auth/admin/users/${u.id}`, { token, json: { quota: { tts: 4 } } });
    for (let i = 0; i < 4; i++) expect((await verify(s, u.apiKey)).status).toBe(200);
    await s.stop('SIGKILL'); // no shutdown flush
    const [row] = await db.query('SELECT usage_month_tts FROM users WHERE id = $1', [u.id]);
    expect(row.usage_month_tts).toBe(4); // written when the quota was reached
    s = await startService('S2', solo);
    expect((await verify(s, u.apiKey)).status).toBe(429);
    await s.stop('SIGTERM');
  }, 120_000);
});
