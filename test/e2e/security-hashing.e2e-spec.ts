import { randomBytes } from 'node:crypto';
import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { AppConfig } from '../../src/config/app-config';
import { APP_CONFIG } from '../../src/config/config.module';
import { User } from '../../src/users/entities/user.entity';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';

describe('password work is bounded: a storm of registrations gets 503 + Retry-After, not an endless queue', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Cost 10 so that the work outlasts the burst; two in progress at most.
    t = await createTestApp({
      env: { BCRYPT_ROUNDS: '10', PASSWORD_HASH_THREADS: '1', PASSWORD_HASH_MAX_PENDING: '2' },
    });
  });
  afterAll(() => t.close());

  it('of 12 parallel registrations at most the cap wait; the rest are 503 problem+json with Retry-After and create nothing', async () => {
    const tag = randomBytes(3).toString('hex');
    const names = Array.from({ length: 12 }, (_, i) => `storm_${tag}_${i}`);
    const answers = await Promise.all(
      names.map((username) =>
        t.http
          .post('/auth/register')
          .send({ username, email: `${username}@example.com`, password: `Storm-${tag}-pw-1` }),
      ),
    );
    const created = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status === 503);
    expect(created.length + refused.length).toBe(12);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(6);
    for (const r of refused) {
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(r.body.code).toBe('SERVICE_UNAVAILABLE');
    }
    const rows = await t.dataSource.getRepository(User).count({ where: names.map((username) => ({ username })) });
    expect(rows).toBe(created.length);
    // /health answers meanwhile and afterwards.
    await t.http.get('/health').expect(200);
  });
});

describe('while the hasher is full, password routes are refused with 503 + Retry-After before their body is read', () => {
  let t: TestApp;
  let admin: TestUser;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    await t.app.listen(0, '127.0.0.1');
    ({ port } = t.app.getHttpServer().address() as AddressInfo);
  });
  afterAll(() => t.close());

  /** Sends the headers and half of the announced body, never the rest: only an answer decided before the body comes. */
  const halfSent = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: { code?: string } }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': '100' },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) });
            req.destroy();
          });
        },
      );
      req.setTimeout(5_000, () => req.destroy(new Error(`${path}: no answer without the rest of the body`)));
      req.on('error', reject);
      req.write('{"password": "');
    });

  it.each([
    '/auth/register',
    '/auth/token',
    '/auth/login',
    '/auth/change-password',
    '/auth/password-reset/confirm',
    '/auth/admin/users',
    '/auth/admin/users/{id}/reset-password',
  ])('POST %s', async (route) => {
    const config = t.app.get<symbol, AppConfig>(APP_CONFIG);
    const cap = config.passwordHashing.maxPending;
    config.passwordHashing.maxPending = 0; // full: no password work may start
    try {
      const res = await halfSent(route.replace('{id}', admin.id), admin.auth);
      expect([res.status, res.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      config.passwordHashing.maxPending = cap;
    }
  });

  it('other routes are not refused, and password routes work again once there is room', async () => {
    const config = t.app.get<symbol, AppConfig>(APP_CONFIG);
    const cap = config.passwordHashing.maxPending;
    config.passwordHashing.maxPending = 0;
    try {
      await t.http.get('/auth/me').set(admin.auth).expect(200);
      await t.http.post('/jobs/').set(admin.auth).send({ filename: 'a.wav' }).expect(201);
    } finally {
      config.passwordHashing.maxPending = cap;
    }
    const u = await createUser(t);
    await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
  });
});
