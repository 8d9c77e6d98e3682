import { randomBytes } from 'node:crypto';
import { RedisService } from '../../src/redis/redis.service';
import { REFRESH_REUSE_GRACE_MS } from '../../src/sessions/sessions.service';
import { Role } from '../../src/users/users.enums';
import { createTestApp, TestApp } from '../app.factory';
import { createUser, TestUser } from '../factories/user.factory';

const REDIS_URL = process.env.TEST_PRINCIPAL_REDIS_URL ?? 'redis://127.0.0.1:6379/8';

type Headers = Record<string, string>;
const apiKey = (u: TestUser): Headers => ({ 'X-API-Key': u.apiKey });

/**
 * Every service method that changes a user, a session or a key is seen by the next request of a principal cached
 * before the change — on the instance that made it and on another one sharing the database and Redis. No feature
 * tells the cache: the repositories publish domain events in the unit that writes, and the cache hears them.
 */
describe('principal cache: every change is seen by the next request, on every instance', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    // Both instances verify the same JWTs.
    const env = { REDIS_URL, SECRET_KEY: 'shared-test-secret-' + randomBytes(24).toString('hex') };
    a = await createTestApp({ env });
    b = await createTestApp({ env, databaseUrl: a.databaseUrl });
    admin = await createUser(a, { role: Role.Admin });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const me = (t: TestApp, headers: Headers) => t.http.get('/auth/me').set(headers);
  const asAdmin = () => admin.auth;

  /** Both instances resolve the user's token and key once, so what they answer next comes from their cache. */
  async function cached(u: TestUser): Promise<void> {
    for (const t of [a, b]) {
      await me(t, u.auth).expect(200);
      await me(t, apiKey(u)).expect(200);
    }
  }

  /** The next request on each instance, within the cache's TTL of the priming one. */
  async function onBoth(check: (t: TestApp) => Promise<unknown>): Promise<void> {
    for (const t of [b, a]) await check(t);
  }

  it('control: a row changed behind the repositories stays cached until its TTL (the test can fail)', async () => {
    const u = await createUser(a);
    await cached(u);
    await a.dataSource.query(
      a.driver === 'postgres'
        ? 'UPDATE users SET full_name = $1 WHERE id = $2'
        : 'UPDATE users SET full_name = ? WHERE id = ?',
      ['Behind The Back', u.id],
    );
    expect((await me(b, u.auth).expect(200)).body.full_name).toBeNull();
  });

  it('a publish Redis refuses: this instance reads the database until the message went out, then the other one hears it', async () => {
    const u = await createUser(a);
    await cached(u);
    const redisA = a.get(RedisService);
    const refuse = jest.spyOn(redisA.client!, 'publish').mockRejectedValue(new Error('connection reset'));
    try {
      await a.http.post('/auth/logout').set(u.auth).send({}).expect(204);
      expect(redisA.healthy).toBe(false); // its own cache is off: it may be missing others' messages too
      await me(a, u.auth).expect(401);
      await me(b, u.auth).expect(200); // not told yet (the control: the publish did fail)
    } finally {
      refuse.mockRestore();
    }
    expect(await redisA.resendUnsent()).toBe(true);
    expect(redisA.healthy).toBe(true);
    // Delivered through Redis: b hears it within moments, well inside its 5 s cache lifetime.
    let status = 200;
    for (let i = 0; i < 40 && status === 200; i++) {
      await new Promise((r) => setTimeout(r, 25));
      status = (await me(b, u.auth)).status;
    }
    expect(status).toBe(401);
  });

  it('ProfileService.update (PUT /auth/profile): name and email', async () => {
    const u = await createUser(a);
    await cached(u);
    const email = `new.${u.email}`;
    await a.http
      .put('/auth/profile')
      .set(u.auth)
      .send({ full_name: 'Ada L', email, current_password: u.password })
      .expect(200);
    await onBoth(async (t) => {
      expect((await me(t, apiKey(u)).expect(200)).body).toMatchObject({ full_name: 'Ada L', email });
    });
  });

  it('AuthService.changePassword: the other sessions end', async () => {
    const u = await createUser(a);
    const other = await a.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
    const otherAuth = { Authorization: `Bearer ${other.body.tokens.access_token}` };
    await cached(u);
    for (const t of [a, b]) await me(t, otherAuth).expect(200);
    await a.http
      .post('/auth/change-password')
      .set(u.auth)
      .send({ current_password: u.password, new_password: `${u.password}-Changed!9` })
      .expect(204);
    await onBoth(async (t) => {
      await me(t, otherAuth).expect(401);
      const body = (await me(t, u.auth).expect(200)).body;
      expect(body.password_changed_at).not.toBeNull();
    });
  });

  it('AuthService.regenerateApiKey: the old key stops, the new prefix shows', async () => {
    const u = await createUser(a);
    await cached(u);
    const res = await a.http.post('/auth/regenerate-api-key').set(u.auth).expect(200);
    await onBoth(async (t) => {
      await me(t, apiKey(u)).expect(401);
      expect((await me(t, u.auth).expect(200)).body.api_key_prefix).toBe(res.body.api_key_prefix);
      await me(t, { 'X-API-Key': res.body.api_key }).expect(200);
    });
  });

  it('AuthService.logout, and with all_devices', async () => {
    const u = await createUser(a);
    const other = await a.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
    const otherAuth = { Authorization: `Bearer ${other.body.tokens.access_token}` };
    await cached(u);
    for (const t of [a, b]) await me(t, otherAuth).expect(200);
    await a.http.post('/auth/logout').set(u.auth).send({}).expect(204);
    await onBoth(async (t) => {
      await me(t, u.auth).expect(401);
      await me(t, otherAuth).expect(200);
    });
    await a.http.post('/auth/logout').set(otherAuth).send({ all_devices: true }).expect(204);
    await onBoth(async (t) => {
      await me(t, otherAuth).expect(401);
    });
  });

  it('AuthService.verifyPassword: a sign-in sets last_login_at; failures that lock show locked_until', async () => {
    const u = await createUser(a);
    await cached(u);
    await a.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
    await onBoth(async (t) => {
      expect((await me(t, apiKey(u)).expect(200)).body.last_login_at).not.toBeNull();
    });
    await cached(u);
    for (let i = 0; i < a.config.lockout.maxAttempts; i++)
      await a.http.post('/auth/login').send({ username: u.username, password: 'wrong-password' });
    await onBoth(async (t) => {
      expect((await me(t, apiKey(u)).expect(200)).body.locked_until).not.toBeNull();
    });
  });

  it('AuthService.refresh: a reused refresh token revokes the session', async () => {
    const u = await createUser(a);
    await cached(u);
    await a.http.post('/auth/refresh').send({ refresh_token: u.refreshToken }).expect(200);
    for (const t of [a, b]) await me(t, u.auth).expect(200);
    a.clock.advance(REFRESH_REUSE_GRACE_MS + 1_000); // past the grace, a superseded token is reuse
    await a.http.post('/auth/refresh').send({ refresh_token: u.refreshToken }).expect(401);
    await onBoth(async (t) => {
      await me(t, u.auth).expect(401);
    });
  });

  it('SessionsService.revoke and revokeAll (DELETE /auth/sessions[/:id])', async () => {
    const u = await createUser(a);
    const second = await a.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
    const third = await a.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
    const secondAuth = { Authorization: `Bearer ${second.body.tokens.access_token}` };
    const thirdAuth = { Authorization: `Bearer ${third.body.tokens.access_token}` };
    await cached(u);
    for (const t of [a, b]) for (const h of [secondAuth, thirdAuth]) await me(t, h).expect(200);
    await a.http.delete(`/auth/sessions/${second.body.session_id}`).set(u.auth).expect(204);
    await onBoth(async (t) => {
      await me(t, secondAuth).expect(401);
      await me(t, thirdAuth).expect(200);
    });
    await a.http.delete('/auth/sessions').set(u.auth).expect(204);
    await onBoth(async (t) => {
      await me(t, thirdAuth).expect(401);
      await me(t, u.auth).expect(200);
    });
  });

  it('AdminUsersService.update: name, role, limits, deactivation', async () => {
    const u = await createUser(a);
    await cached(u);
    await a.http
      .put(`/auth/admin/users/${u.id}`)
      .set(asAdmin())
      .send({ full_name: 'By Admin', rate_limits: { per_minute: 7 } })
      .expect(200);
    await onBoth(async (t) => {
      const body = (await me(t, apiKey(u)).expect(200)).body;
      expect(body).toMatchObject({ full_name: 'By Admin', rate_limits: { per_minute: 7 } });
    });
    await cached(u);
    await a.http.put(`/auth/admin/users/${u.id}`).set(asAdmin()).send({ role: 'admin' }).expect(200);
    await onBoth(async (t) => {
      expect((await me(t, apiKey(u)).expect(200)).body.role).toBe('admin');
      await t.http.get('/auth/admin/users').set(apiKey(u)).expect(200);
    });
    await a.http.put(`/auth/admin/users/${u.id}`).set(asAdmin()).send({ is_active: false }).expect(200);
    await onBoth(async (t) => {
      await me(t, apiKey(u)).expect(403);
    });
  });

  it('AdminUsersService.suspend, unsuspend, unlock, resetPassword', async () => {
    const u = await createUser(a);
    await cached(u);
    await a.http.post(`/auth/admin/users/${u.id}/suspend`).set(asAdmin()).send({ reason: 'abuse' }).expect(200);
    await onBoth(async (t) => {
      await me(t, apiKey(u)).expect(403);
      await me(t, u.auth).expect(403);
    });
    await a.http.post(`/auth/admin/users/${u.id}/unsuspend`).set(asAdmin()).expect(200);
    await onBoth(async (t) => {
      expect((await me(t, apiKey(u)).expect(200)).body.is_suspended).toBe(false);
    });

    for (let i = 0; i < a.config.lockout.maxAttempts; i++)
      await a.http.post('/auth/login').send({ username: u.username, password: 'wrong-password' });
    await cached({ ...u, auth: admin.auth });
    expect((await me(b, apiKey(u)).expect(200)).body.locked_until).not.toBeNull();
    await a.http.post(`/auth/admin/users/${u.id}/unlock`).set(asAdmin()).expect(200);
    await onBoth(async (t) => {
      expect((await me(t, apiKey(u)).expect(200)).body.locked_until).toBeNull();
    });

    const fresh = await a.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
    const freshAuth = { Authorization: `Bearer ${fresh.body.tokens.access_token}` };
    for (const t of [a, b]) await me(t, freshAuth).expect(200);
    await a.http.post(`/auth/admin/users/${u.id}/reset-password`).set(asAdmin()).send({}).expect(200);
    await onBoth(async (t) => {
      await me(t, freshAuth).expect(401);
    });
  });

  it('AdminUsersService.revokeSession, revokeSessions and remove', async () => {
    const u = await createUser(a);
    const second = await a.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
    const secondAuth = { Authorization: `Bearer ${second.body.tokens.access_token}` };
    await cached(u);
    for (const t of [a, b]) await me(t, secondAuth).expect(200);
    await a.http.delete(`/auth/admin/users/${u.id}/sessions/${u.sessionId}`).set(asAdmin()).expect(204);
    await onBoth(async (t) => {
      await me(t, u.auth).expect(401);
      await me(t, secondAuth).expect(200);
    });
    await a.http.delete(`/auth/admin/users/${u.id}/sessions`).set(asAdmin()).expect(204);
    await onBoth(async (t) => {
      await me(t, secondAuth).expect(401);
      await me(t, apiKey(u)).expect(200);
    });
    await a.http.delete(`/auth/admin/users/${u.id}`).set(asAdmin()).expect(204);
    await onBoth(async (t) => {
      await me(t, apiKey(u)).expect(401);
    });
  });

  it('AdminUsersService.bulk (suspend)', async () => {
    const u = await createUser(a);
    await cached(u);
    await a.http
      .post('/auth/admin/users/bulk')
      .set(asAdmin())
      .send({ action: 'suspend', user_ids: [u.id], reason: 'bulk' })
      .expect(200);
    await onBoth(async (t) => {
      await me(t, apiKey(u)).expect(403);
    });
  });

  it('JobsService.update: a completed job counts toward the usage GET /auth/me shows', async () => {
    const u = await createUser(a);
    const job = await a.http.post('/jobs').set(apiKey(u)).send({ filename: 'a.mp3' }).expect(201);
    await cached(u);
    await a.http
      .patch(`/jobs/${job.body.id}`)
      .set(apiKey(u))
      .send({ status: 'completed', transcript: 'hi' })
      .expect(200);
    await onBoth(async (t) => {
      expect((await me(t, apiKey(u)).expect(200)).body.usage.transcriptions).toBe(1);
    });
  });
});
