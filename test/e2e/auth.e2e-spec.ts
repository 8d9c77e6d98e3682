import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AuthStateService } from '../../src/sessions/auth-state.service';
import { User } from '../../src/users/entities/user.entity';
import { PasswordHasher } from '../../src/users/password/password-hasher.service';
import { UsersService } from '../../src/users/users.service';
import { createTestApp, TestApp } from '../app.factory';
import { createUser, TestUser } from '../factories/user.factory';

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('accounts and authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const setUser = async (id: string, changes: Partial<User>) => {
    await t.dataSource.getRepository(User).update({ id }, changes);
    await t.get(AuthStateService).invalidateUser(id);
  };

  describe("seed 000's curl sequence", () => {
    it('register → token (form) → me → store a service key', async () => {
      const reg = await t.http
        .post('/auth/register')
        .set('Content-Type', 'application/json')
        .send({ email: 'user@example.com', username: 'johndoe', password: 'secure_password' })
        .expect(201);
      expect(reg.body).toMatchObject({
        email: 'user@example.com',
        username: 'johndoe',
        role: 'user',
        is_superuser: false,
        is_active: true,
      });
      expect(reg.body.api_key).toMatch(/^tk_[0-9A-Za-z]{40,}$/);
      expect(reg.body).not.toHaveProperty('hashed_password');
      expect(reg.headers['cache-control']).toBe('no-store');

      const token = await t.http
        .post('/auth/token')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('username=johndoe&password=secure_password')
        .expect(200);
      expect(token.body).toMatchObject({ token_type: 'bearer', expires_in: 1800 });
      expect(token.body.access_token).toMatch(/^eyJ/);
      expect(token.body.refresh_token).toMatch(/^eyJ/);
      expect(token.headers['cache-control']).toBe('no-store');

      const me = await t.http.get('/auth/me').set('Authorization', `Bearer ${token.body.access_token}`).expect(200);
      expect(me.body.username).toBe('johndoe');

      const key = await t.http
        .post('/api-keys/')
        .set('Authorization', `Bearer ${token.body.access_token}`)
        .set('Content-Type', 'application/json')
        .send({ service: 'openai', key: 'sk-test-1234567890abcd', key_name: 'My OpenAI Key' });
      expect(key.status).toBe(201);
    });
  });

  describe("seed 002's Python client sequence", () => {
    it('POST /api/auth/login with the email, then Bearer on the API', async () => {
      // An account imported from the seed system (its password predates our common-password policy).
      await t
        .get(UsersService)
        .create({
          email: 'user@example.com'.replace('user', 'talk2me'),
          username: 'talk2me',
          password: 'password123',
          skipPolicy: true,
        });
      const response = await t.http
        .post('/api/auth/login')
        .send({ username: 'talk2me@example.com', password: 'password123' })
        .expect(200);
      expect(response.body).toMatchObject({
        success: true,
        user: { username: 'talk2me' },
        tokens: { token_type: 'bearer', expires_in: 1800 },
      });
      expect(response.body.session_id).toMatch(/^[0-9a-f-]{36}$/);
      const tokens = response.body.tokens;
      const headers = { Authorization: `Bearer ${tokens['access_token']}` };
      const profile = await t.http.get('/api/auth/profile').set(headers).expect(200);
      expect(profile.body.email).toBe('talk2me@example.com');
    });
  });

  describe('registration', () => {
    it('rejects weak, common, oversize and identity-equal passwords with 422 and changes nothing', async () => {
      const before = await t.dataSource.getRepository(User).count();
      for (const password of ['short', 'password123', 'x'.repeat(129), 'carol_smith']) {
        const res = await t.http
          .post('/auth/register')
          .send({ email: 'carol@example.com', username: 'carol_smith', password })
          .expect(422);
        expect(res.body.errors[0].field).toBe('password');
      }
      expect(await t.dataSource.getRepository(User).count()).toBe(before);
    });

    it('409 for a duplicate username or email, case-insensitively', async () => {
      await t.http
        .post('/auth/register')
        .send({ email: 'Dave@Example.com', username: 'Dave', password: 'a-decent-passphrase' })
        .expect(201);
      const u = await t.http
        .post('/auth/register')
        .send({ email: 'other@example.com', username: 'dave', password: 'a-decent-passphrase' })
        .expect(409);
      expect(u.body.detail).toBe('Username already registered');
      const e = await t.http
        .post('/auth/register')
        .send({ email: 'DAVE@example.COM', username: 'dave2', password: 'a-decent-passphrase' })
        .expect(409);
      expect(e.body.detail).toBe('Email already registered');
    });

    it('a registration race gives one 201 and the rest 409, never a 500', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          t.http
            .post('/auth/register')
            .send({ email: `race${i}@example.com`, username: 'racer', password: 'a-decent-passphrase' }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    });

    it('stores the email lower-case and accepts login by username or email', async () => {
      await t.http
        .post('/auth/register')
        .send({ email: 'Erin@Example.com', username: 'Erin', password: 'a-decent-passphrase' })
        .expect(201);
      const row = await t.dataSource.getRepository(User).findOneByOrFail({ usernameCanonical: 'erin' });
      expect(row.email).toBe('erin@example.com');
      await t.http.post('/auth/login').send({ username: 'ERIN', password: 'a-decent-passphrase' }).expect(200);
      await t.http
        .post('/auth/login')
        .send({ username: 'erin@EXAMPLE.com', password: 'a-decent-passphrase' })
        .expect(200);
    });
  });

  describe('passwords', () => {
    it('does not truncate at 72 bytes: a password differing after byte 72 is refused', async () => {
      const long = 'λ'.repeat(50) + '-tail-A'; // 100+ bytes
      const u = await createUser(t, { password: long });
      await t.http.post('/auth/login').send({ username: u.username, password: long }).expect(200);
      await t.http
        .post('/auth/login')
        .send({ username: u.username, password: 'λ'.repeat(50) + '-tail-B' })
        .expect(401);
    });

    it('verifies a standard $2b$ hash made elsewhere (OpenBSD test vector), so a seed 000 database can be imported', async () => {
      const hasher = t.get(PasswordHasher);
      expect(await hasher.verify('U*U', '$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW')).toBe(true);
      expect(await hasher.verify('U*V', '$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW')).toBe(false);
      const hash = await hasher.hash('portable-secret');
      expect(hash).toMatch(/^\$2[ab]\$04\$/);
    });

    it('unknown user and wrong password give the same status and detail', async () => {
      const u = await createUser(t);
      const a = await t.http
        .post('/auth/login')
        .send({ username: u.username, password: 'wrong-password-1' })
        .expect(401);
      const b = await t.http
        .post('/auth/login')
        .send({ username: 'nobody_here', password: 'wrong-password-1' })
        .expect(401);
      expect(a.body.detail).toBe('Incorrect username or password');
      expect(b.body.detail).toBe(a.body.detail);
      expect(b.body.code).toBe(a.body.code);
      const c = await t.http
        .post('/auth/token')
        .type('form')
        .send({ username: 'nobody_here', password: 'x-wrong-pass' })
        .expect(401);
      expect(c.body).toMatchObject({ detail: 'Incorrect username or password', error: 'invalid_grant' });
    });
  });

  describe('tokens', () => {
    let u: TestUser;
    beforeAll(async () => {
      u = await createUser(t);
    });

    it('an independent decode (plain jsonwebtoken + the secret) verifies the signature and the claims', () => {
      const claims = jwt.verify(u.accessToken, t.config.jwt.secret, { algorithms: ['HS256'] }) as Record<
        string,
        unknown
      >;
      expect(claims).toMatchObject({ sub: u.id, sid: u.sessionId, type: 'access', role: 'user', iss: 'voicegate' });
      expect(typeof claims.jti).toBe('string');
      expect(claims.exp).toBe((claims.iat as number) + 30 * 60);
      const [h, p, s] = u.accessToken.split('.');
      expect(createHmac('sha256', t.config.jwt.secret).update(`${h}.${p}`).digest('base64url')).toBe(s);
    });

    it.each([
      ['alg none', () => `${b64url({ alg: 'none', typ: 'JWT' })}.${u.accessToken.split('.')[1]}.`],
      [
        'other secret',
        () =>
          jwt.sign(
            { sub: u.id, sid: u.sessionId, type: 'access', role: 'admin', iss: 'voicegate' },
            'another-secret-another-secret-1234',
            { expiresIn: 600 },
          ),
      ],
      [
        'HS512 with the right secret (algorithm pinned)',
        () =>
          jwt.sign(
            { sub: u.id, sid: u.sessionId, type: 'access', role: 'user', iss: 'voicegate' },
            t.config.jwt.secret,
            { algorithm: 'HS512', expiresIn: 600 },
          ),
      ],
      [
        'wrong issuer',
        () =>
          jwt.sign({ sub: u.id, sid: u.sessionId, type: 'access', role: 'user', iss: 'evil' }, t.config.jwt.secret, {
            expiresIn: 600,
          }),
      ],
      [
        'tampered payload',
        () => {
          const [h, , s] = u.accessToken.split('.');
          return `${h}.${b64url({ sub: u.id, sid: u.sessionId, type: 'access', role: 'admin', iss: 'voicegate', exp: 9999999999 })}.${s}`;
        },
      ],
      ['refresh token used as access', () => u.refreshToken],
      ['garbage', () => 'not.a.jwt'],
    ])('%s → 401 invalid_token', async (_name, make) => {
      const res = await t.http.get('/auth/me').set('Authorization', `Bearer ${make()}`).expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(res.body.code).toBe('INVALID_TOKEN');
    });

    it('an expired access token → 401 (time is injected, not waited for)', async () => {
      const v = await createUser(t);
      await t.http.get('/auth/me').set(v.auth).expect(200);
      t.clock.advance(31 * 60 * 1000);
      try {
        await t.http.get('/auth/me').set(v.auth).expect(401);
      } finally {
        t.clock.advance(-31 * 60 * 1000);
      }
    });
  });

  describe('refresh rotation', () => {
    it('rotates both tokens; the old refresh token is refused; outside the grace it revokes the session', async () => {
      const u = await createUser(t);
      const r1 = await t.http.post('/auth/refresh').send({ refresh_token: u.refreshToken }).expect(200);
      expect(r1.body.tokens.refresh_token).not.toBe(u.refreshToken);
      const access2 = r1.body.tokens.access_token;
      await t.http.get('/auth/me').set('Authorization', `Bearer ${access2}`).expect(200);

      // Within the 10 s grace: refused, session kept.
      const grace = await t.http.post('/auth/refresh').send({ refresh_token: u.refreshToken }).expect(401);
      expect(grace.body.error).toBe('invalid_grant');
      await t.http.get('/auth/me').set('Authorization', `Bearer ${access2}`).expect(200);

      // After the grace: reuse → the whole session is revoked.
      t.clock.advance(11_000);
      await t.http.post('/auth/refresh').send({ refresh_token: u.refreshToken }).expect(401);
      await t.http.get('/auth/me').set('Authorization', `Bearer ${access2}`).expect(401);
      await t.http.post('/auth/refresh').send({ refresh_token: r1.body.tokens.refresh_token }).expect(401);
    });

    it('concurrent refreshes with one token: exactly one succeeds', async () => {
      const u = await createUser(t);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => t.http.post('/auth/refresh').send({ refresh_token: u.refreshToken })),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 401)).toHaveLength(9);
      expect(results.some((r) => r.status >= 500)).toBe(false);
    });

    it('the OAuth2 refresh_token grant rotates too; an unknown grant is 400 unsupported_grant_type', async () => {
      const u = await createUser(t);
      const r = await t.http
        .post('/auth/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: u.refreshToken })
        .expect(200);
      expect(r.body.token_type).toBe('bearer');
      const bad = await t.http.post('/auth/token').type('form').send({ grant_type: 'client_credentials' }).expect(400);
      expect(bad.body.error).toBe('unsupported_grant_type');
      const missing = await t.http.post('/auth/token').type('form').send({ username: 'x' }).expect(400);
      expect(missing.body.error).toBe('invalid_request');
    });
  });

  describe('logout, sessions, password change', () => {
    it('logout ends this session at once; all_devices ends every one', async () => {
      const u = await createUser(t);
      const second = await t.http
        .post('/auth/login')
        .send({ username: u.username, password: u.password, device_name: 'phone' })
        .expect(200);
      await t.http.post('/auth/logout').set(u.auth).expect(204);
      await t.http.get('/auth/me').set(u.auth).expect(401);
      await t.http.post('/auth/refresh').send({ refresh_token: u.refreshToken }).expect(401);
      const secondAuth = { Authorization: `Bearer ${second.body.tokens.access_token}` };
      await t.http.get('/auth/me').set(secondAuth).expect(200);

      const third = await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
      await t.http.post('/auth/logout').set(secondAuth).send({ all_devices: true }).expect(204);
      await t.http.get('/auth/me').set('Authorization', `Bearer ${third.body.tokens.access_token}`).expect(401);
    });

    it("lists sessions with `current`, revokes one, refuses others' and malformed ids with 404", async () => {
      const u = await createUser(t);
      const other = await t.http
        .post('/auth/login')
        .send({ username: u.username, password: u.password, device_name: 'laptop' })
        .expect(200);
      const list = await t.http.get('/auth/sessions').set(u.auth).expect(200);
      expect(list.body).toHaveLength(2);
      expect(list.body.find((s: { current: boolean }) => s.current).id).toBe(u.sessionId);
      expect(list.body.find((s: { device_name: string }) => s.device_name === 'laptop')).toBeDefined();

      const stranger = await createUser(t);
      await t.http.delete(`/auth/sessions/${other.body.session_id}`).set(stranger.auth).expect(404);
      await t.http.delete('/auth/sessions/not-a-uuid').set(u.auth).expect(404);
      await t.http.delete(`/auth/sessions/${other.body.session_id}`).set(u.auth).expect(204);
      await t.http.get('/auth/me').set('Authorization', `Bearer ${other.body.tokens.access_token}`).expect(401);

      const third = await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
      await t.http.delete('/auth/sessions').set(u.auth).expect(204);
      await t.http.get('/auth/me').set('Authorization', `Bearer ${third.body.tokens.access_token}`).expect(401);
      await t.http.get('/auth/me').set(u.auth).expect(200);
    });

    it('change-password keeps this session, ends the others, and the old password stops working', async () => {
      const u = await createUser(t);
      const other = await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
      await t.http
        .post('/auth/change-password')
        .set(u.auth)
        .send({ current_password: 'wrong-current-pw', new_password: 'a-brand-new-passphrase' })
        .expect(422);
      await t.http
        .post('/auth/change-password')
        .set(u.auth)
        .send({ current_password: u.password, new_password: 'password' })
        .expect(422);
      await t.http
        .post('/auth/change-password')
        .set(u.auth)
        .send({ current_password: u.password, new_password: 'a-brand-new-passphrase' })
        .expect(204);
      await t.http.get('/auth/me').set(u.auth).expect(200);
      await t.http.get('/auth/me').set('Authorization', `Bearer ${other.body.tokens.access_token}`).expect(401);
      await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(401);
      await t.http.post('/auth/login').send({ username: u.username, password: 'a-brand-new-passphrase' }).expect(200);
    });

    it('PUT /auth/profile updates name and settings; email change needs the current password; duplicates → 409', async () => {
      const u = await createUser(t);
      const other = await createUser(t);
      const res = await t.http
        .put('/auth/profile')
        .set(u.auth)
        .send({ full_name: 'Ada Lovelace', settings: { language: 'en' } })
        .expect(200);
      expect(res.body).toMatchObject({ full_name: 'Ada Lovelace', settings: { language: 'en' } });
      await t.http.put('/auth/profile').set(u.auth).send({ email: 'new-address@example.com' }).expect(422);
      await t.http
        .put('/auth/profile')
        .set(u.auth)
        .send({ email: 'new-address@example.com', current_password: 'nope-nope-nope' })
        .expect(422);
      const ok = await t.http
        .put('/auth/profile')
        .set(u.auth)
        .send({ email: 'New-Address@example.com', current_password: u.password })
        .expect(200);
      expect(ok.body.email).toBe('new-address@example.com');
      await t.http.put('/auth/profile').set(u.auth).send({ username: other.username.toUpperCase() }).expect(409);
      await t.http.put('/auth/profile').set(u.auth).send({ role: 'admin' }).expect(422);
      await t.http.put('/auth/profile').send({ full_name: 'x' }).expect(401);
    });
  });

  describe('account status', () => {
    it('suspended → 403 "Account suspended", inactive → 403 "Inactive user", on every request and at login', async () => {
      const u = await createUser(t);
      await setUser(u.id, { isSuspended: true, suspendedReason: 'abuse' });
      expect((await t.http.get('/auth/me').set(u.auth).expect(403)).body.detail).toBe('Account suspended');
      expect((await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(403)).body.detail).toBe(
        'Account suspended',
      );
      expect(
        (await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(403)).body.detail,
      ).toBe('Account suspended');
      await setUser(u.id, { isSuspended: false, isActive: false });
      expect((await t.http.get('/auth/me').set(u.auth).expect(403)).body.detail).toBe('Inactive user');
      expect(
        (await t.http.post('/auth/token').type('form').send({ username: u.username, password: u.password }).expect(403))
          .body.detail,
      ).toBe('Inactive user');
      // A wrong password still answers 401: status is only revealed to the owner of the password.
      await t.http.post('/auth/login').send({ username: u.username, password: 'wrong-wrong-wrong' }).expect(401);
    });

    it("a deleted user's token and key → 401", async () => {
      const u = await createUser(t);
      await t.dataSource.getRepository(User).delete({ id: u.id });
      await t.get(AuthStateService).invalidateUser(u.id);
      await t.http.get('/auth/me').set(u.auth).expect(401);
      await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(401);
    });
  });

  describe('lockout', () => {
    it('20 parallel wrong passwords lock the account after evaluating no more than the limit', async () => {
      const u = await createUser(t);
      const hasher = t.get(PasswordHasher);
      const spy = jest.spyOn(hasher, 'verify');
      try {
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            t.http.post('/auth/login').send({ username: u.username, password: 'wrong-password-x' }),
          ),
        );
        const statuses = results.map((r) => r.status);
        expect(statuses.every((s) => s === 401 || s === 423)).toBe(true);
        expect(spy).toHaveBeenCalledTimes(t.config.lockout.maxAttempts);
        expect(statuses.filter((s) => s === 423).length).toBeGreaterThanOrEqual(20 - t.config.lockout.maxAttempts);
      } finally {
        spy.mockRestore();
      }
      const row = await t.dataSource.getRepository(User).findOneByOrFail({ id: u.id });
      expect(row.failedLoginAttempts).toBe(t.config.lockout.maxAttempts);
      expect(row.lockedUntil).not.toBeNull();

      // Even the right password is refused on every credential path, with Retry-After.
      for (const req of [
        () => t.http.post('/auth/login').send({ username: u.username, password: u.password }),
        () => t.http.post('/auth/token').type('form').send({ username: u.username, password: u.password }),
      ]) {
        const res = await req().expect(423);
        expect(res.body.detail).toBe('Account locked');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(29 * 60);
      }
      const me = await t.http.get('/auth/me').set(u.auth).expect(200);
      expect(me.body.locked_until).not.toBeNull();

      t.clock.advance(31 * 60 * 1000);
      try {
        await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
        expect((await t.dataSource.getRepository(User).findOneByOrFail({ id: u.id })).failedLoginAttempts).toBe(0);
      } finally {
        t.clock.advance(-31 * 60 * 1000);
      }
    });

    it('a success resets the count', async () => {
      const u = await createUser(t);
      for (let i = 0; i < 4; i++)
        await t.http.post('/auth/login').send({ username: u.username, password: 'wrong-password-x' }).expect(401);
      await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
      for (let i = 0; i < 4; i++)
        await t.http.post('/auth/login').send({ username: u.username, password: 'wrong-password-x' }).expect(401);
      await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
    });
  });

  describe('bad input', () => {
    it.each([
      ['/auth/login', { username: 'x' }],
      ['/auth/login', { username: 1, password: 2 }],
      ['/auth/login', { username: 'a', password: 'b', extra: true }],
      ['/auth/refresh', {}],
      ['/auth/register', { email: 'a@b.co', username: 'ok_name', password: 'fine-password-here', role: 'admin' }],
    ])('POST %s %j → 422', async (path, body) => {
      const res = await t.http.post(path).send(body).expect(422);
      expect(res.body.errors.length).toBeGreaterThan(0);
    });

    it('authentication is checked before validation', async () => {
      await t.http.post('/auth/change-password').send({ nonsense: true }).expect(401);
      await t.http
        .put('/auth/profile')
        .send('not json')
        .set('Content-Type', 'application/json')
        .expect((r) => expect([400, 401]).toContain(r.status));
    });
  });
});
