import Redis from 'ioredis';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Response } from 'supertest';
import { createTestApp, TestApp } from '../app.factory';
import { RedisService } from '../../src/redis/redis.service';
import { createUser } from '../factories/user.factory';

// A Redis database of its own; every key this file touches names a fresh user id or a random IP, so the
// SQLite and Postgres runs of this file (which may run at the same time) never meet.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/5';
const LIMIT = 5;
const remaining = (res: Response) => res.headers['x-ratelimit-remaining'];
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('rate limits shared through Redis by two instances', () => {
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  const touched: string[] = [];

  let env: Record<string, string>;

  beforeAll(async () => {
    env = {
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_USER_PER_MINUTE: String(LIMIT),
      RATE_LIMIT_AUTH_PER_MINUTE: '3',
      REDIS_URL,
      TRUST_PROXY: 'true',
      SECRET_KEY: 'shared-test-secret-' + randomBytes(24).toString('hex'), // both instances verify the same JWTs
    };
    a = await createTestApp({ env });
    b = await createTestApp({ env, databaseUrl: a.databaseUrl });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    if (touched.length) await redis.del(...touched);
    redis.disconnect();
    await b?.close();
    await a?.close();
  });

  it('both instances report Redis healthy', async () => {
    for (const t of [a, b]) expect((await t.http.get('/health').expect(200)).body.redis).toBe('ok');
  });

  it('a new instance is connected when it starts: its first request counts in Redis', async () => {
    // Counting alone while still connecting would let a second instance pass what the first already counted.
    const c = await createTestApp({ env: { ...env, SECRET_KEY: 'another-' + randomBytes(16).toString('hex') } });
    try {
      expect(c.get(RedisService).healthy).toBe(true);
      const ip = freshIp();
      touched.push(`voicegate:rl:ip:${ip}:auth:minute`);
      await c.http.post('/auth/refresh').set('X-Forwarded-For', ip).send({ refresh_token: 'bogus' }).expect(401);
      expect(await redis.get(`voicegate:rl:ip:${ip}:auth:minute`)).toBe('1');
    } finally {
      await c.close();
    }
  });

  it(`one user, alternating instances, JWT and API key: one count of ${LIMIT}`, async () => {
    const u = await createUser(a);
    touched.push(`voicegate:rl:u:${u.id}:minute`, `voicegate:rl:u:${u.id}:hour`, `voicegate:rl:u:${u.id}:day`);
    const seen: string[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const t = i % 2 === 0 ? a : b;
      const req = t.http.get('/auth/me');
      seen.push(remaining(await (i === 3 ? req.set('X-API-Key', u.apiKey) : req.set(u.auth)).expect(200)));
    }
    expect(seen).toEqual(['4', '3', '2', '1', '0']);
    const blocked = await b.http.get('/auth/me').set(u.auth).expect(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await a.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(429);

    // The counter lives in Redis, with the window as its TTL.
    expect(Number(await redis.get(`voicegate:rl:u:${u.id}:minute`))).toBe(LIMIT + 2);
    const pttl = await redis.pttl(`voicegate:rl:u:${u.id}:minute`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60_000);
    expect(Number(await redis.get(`voicegate:rl:u:${u.id}:hour`))).toBe(LIMIT); // rejected by the minute: not counted in the hour
  });

  it('concurrent requests spread over both instances: exactly the limit gets through', async () => {
    const u = await createUser(a);
    touched.push(`voicegate:rl:u:${u.id}:minute`, `voicegate:rl:u:${u.id}:hour`, `voicegate:rl:u:${u.id}:day`);
    const statuses = (
      await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).http.get('/auth/me').set(u.auth)))
    ).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12 - LIMIT);
  });

  it('the per-IP credential-route limit is shared too', async () => {
    const ip = freshIp();
    const nobody = `nobody_${randomBytes(4).toString('hex')}`; // unknown names lock too, and Redis outlives the run
    touched.push(`voicegate:rl:ip:${ip}:auth:minute`);
    await a.http
      .post('/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ username: nobody, password: 'wrong-password' })
      .expect(401);
    await b.http
      .post('/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ username: nobody, password: 'wrong-password' })
      .expect(401);
    await a.http.post('/auth/refresh').set('X-Forwarded-For', ip).send({ refresh_token: 'bogus' }).expect(401);
    await b.http
      .post('/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ username: nobody, password: 'wrong-password' })
      .expect(429);
  });
});

describe('rate limits when Redis is unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Nothing listens on port 1: every command fails at once (no offline queue).
    t = await createTestApp({
      env: {
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_USER_PER_MINUTE: String(LIMIT),
        REDIS_URL: 'redis://127.0.0.1:1/0',
      },
    });
  });
  afterAll(() => t?.close());

  it('fails open to in-process counting, logs the outage once, and /health shows redis unavailable', async () => {
    const u = await createUser(t);
    for (let i = 1; i <= LIMIT; i++) {
      const res = await t.http.get('/auth/me').set(u.auth).expect(200);
      expect(remaining(res)).toBe(String(LIMIT - i));
    }
    await t.http.get('/auth/me').set(u.auth).expect(429); // still limited, by this instance alone
    const health = await t.http.get('/health').expect(503);
    expect(health.body.redis).toBe('unavailable');
    await t.close();
    const log = readFileSync(t.logFile, 'utf8');
    expect(log.match(/Redis rate-limit counter failed/g)).toHaveLength(1);
    t = undefined as unknown as TestApp;
  });
});
