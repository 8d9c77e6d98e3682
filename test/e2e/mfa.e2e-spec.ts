import { EventEmitter2 } from '@nestjs/event-emitter';
import jwt from 'jsonwebtoken';
import { generateSync } from 'otplib';
import { User } from '../../src/users/entities/user.entity';
import { UsersRepository } from '../../src/users/users.repository';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';
import { recordSecret } from '../security/secrets';
import { SoftAuthenticator } from '../support/soft-authenticator';

const MAX_LOCKOUT = 8;
const ORIGIN = 'http://localhost:8000';

describe('second factors (TOTP, recovery codes, passkeys, the sign-in step)', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ env: { LOCKOUT_MAX_ATTEMPTS: String(MAX_LOCKOUT) } });
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  /** The code of the current 30 s step; `next` first moves the clock to the next step (a code is accepted once). */
  const code = (secret: string, next = true) => {
    if (next) t.clock.advance(30_000);
    return generateSync({ secret, epoch: Math.floor(t.clock.now() / 1000) });
  };
  const claims = (token: string) => jwt.decode(token) as Record<string, unknown>;
  const login = (u: TestUser, password = u.password) =>
    t.http.post('/auth/login').send({ username: u.username, password });
  const verify = (body: Record<string, unknown>) => t.http.post('/auth/mfa/verify').send(body);
  const userRow = (id: string) => t.dataSource.getRepository(User).findOneByOrFail({ id });
  /** Changes the row behind the services' back, through its repository (so the principal cache hears of it). */
  const setRow = (id: string, changes: Partial<User>) => t.get(UsersRepository).update(id, changes);
  const unlock = (id: string) => setRow(id, { failedLoginAttempts: 0, lockedUntil: null });
  /** A key of the user's holding only `scopes`. */
  const scopedKey = async (u: TestUser, scopes: string[]) => {
    const res = await t.http
      .post('/auth/api-keys')
      .set(u.auth)
      .send({ name: `scoped ${scopes.join(' ')}`, scopes });
    expect(res.status).toBe(201);
    recordSecret(res.body.key);
    return { 'X-API-Key': res.body.key as string };
  };
  const heard = (name: string) => {
    const payloads: unknown[] = [];
    t.get(EventEmitter2).on(name, (p: unknown) => payloads.push(p));
    return payloads;
  };

  async function withTotp(): Promise<{ u: TestUser; secret: string; recovery: string[] }> {
    const u = await createUser(t);
    const setup = await t.http.post('/auth/mfa/totp/setup').set(u.auth).expect(200);
    const confirmed = await t.http
      .post('/auth/mfa/totp/confirm')
      .set(u.auth)
      .send({ code: code(setup.body.secret) })
      .expect(200);
    recordSecret(setup.body.secret, ...confirmed.body.recovery_codes);
    return { u, secret: setup.body.secret, recovery: confirmed.body.recovery_codes };
  }

  async function mfaToken(u: TestUser): Promise<string> {
    const res = await login(u).expect(200);
    expect(res.body).toMatchObject({ success: false, mfa_required: true, expires_in: 300 });
    recordSecret(res.body.mfa_token);
    return res.body.mfa_token;
  }

  describe('TOTP setup', () => {
    it('gives a secret, its otpauth URI and a QR code; the secret is encrypted at rest and pending until confirmed', async () => {
      const u = await createUser(t);
      const res = await t.http.post('/auth/mfa/totp/setup').set(u.auth).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body.secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(res.body.otpauth_uri).toBe(
        `otpauth://totp/Voicegate:${u.username}?secret=${res.body.secret}&issuer=Voicegate`,
      );
      expect(res.body.qr_svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      recordSecret(res.body.secret);
      const [row] = await t.dataSource.query(`SELECT * FROM mfa_totp WHERE user_id = '${u.id}'`);
      expect(JSON.stringify(row)).not.toContain(res.body.secret);
      expect(row.pending_secret_encrypted).toMatch(/^gAAAAA/);
      expect(row.confirmed_at).toBeNull();
      // Pending: the sign-in does not ask for it yet, and the status says off.
      expect((await login(u).expect(200)).body.success).toBe(true);
      expect((await t.http.get('/auth/mfa').set(u.auth).expect(200)).body).toEqual({
        totp: false,
        passkeys: 0,
        recovery_codes_remaining: 0,
      });
    });

    it('confirms with a code (a wrong one is 401) and returns 10 recovery codes, stored hashed', async () => {
      const u = await createUser(t);
      const setup = await t.http.post('/auth/mfa/totp/setup').set(u.auth).expect(200);
      recordSecret(setup.body.secret);
      const wrong = await t.http.post('/auth/mfa/totp/confirm').set(u.auth).send({ code: '000000' }).expect(401);
      expect(wrong.body.code).toBe('INVALID_MFA_CODE');
      const res = await t.http
        .post('/auth/mfa/totp/confirm')
        .set(u.auth)
        .send({ code: code(setup.body.secret) })
        .expect(200);
      expect(res.body.recovery_codes).toHaveLength(10);
      expect(new Set(res.body.recovery_codes).size).toBe(10);
      for (const c of res.body.recovery_codes) expect(c).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
      recordSecret(...res.body.recovery_codes);
      const rows: { code_hash: string }[] = await t.dataSource.query(
        `SELECT code_hash FROM mfa_recovery_codes WHERE user_id = '${u.id}'`,
      );
      expect(rows).toHaveLength(10);
      for (const r of rows) expect(res.body.recovery_codes).not.toContain(r.code_hash);
      expect((await t.http.get('/auth/mfa').set(u.auth).expect(200)).body).toEqual({
        totp: true,
        passkeys: 0,
        recovery_codes_remaining: 10,
      });
      // Enabled: a new setup and a second confirm are refused.
      expect((await t.http.post('/auth/mfa/totp/setup').set(u.auth).expect(409)).body.code).toBe('CONFLICT');
      await t.http
        .post('/auth/mfa/totp/confirm')
        .set(u.auth)
        .send({ code: code(setup.body.secret) })
        .expect(409);
    });

    it('is account management: no credential → 401, a scoped key → 403, an all-scope key may; bad bodies → 422', async () => {
      const u = await createUser(t);
      await t.http.get('/auth/mfa').expect(401);
      await t.http.post('/auth/mfa/totp/setup').expect(401);
      const reader = await scopedKey(u, ['profile:read']);
      const key = await t.http.post('/auth/mfa/totp/setup').set(reader).expect(403);
      expect(key.body.code).toBe('INSUFFICIENT_SCOPE');
      await t.http.get('/auth/mfa').set(reader).expect(200);
      await t.http
        .get('/auth/mfa')
        .set(await scopedKey(u, ['jobs:read']))
        .expect(403);
      await t.http.post('/auth/mfa/totp/confirm').set(u.auth).send({}).expect(422);
      await t.http.post('/auth/mfa/totp/confirm').set(u.auth).send({ code: 123456 }).expect(422);
      await t.http.post('/auth/mfa/totp/confirm').set(u.auth).send({ code: '123456' }).expect(409); // no setup
      await t.http.delete('/auth/mfa/totp').set(u.auth).send({ code: '1', recovery_code: 'x' }).expect(422);
      // The `default` key holds every scope.
      const full = await t.http.post('/auth/mfa/totp/setup').set('X-API-Key', u.apiKey).expect(200);
      recordSecret(full.body.secret);
    });
  });

  describe('sign-in with TOTP', () => {
    it('/auth/login answers mfa_required; /auth/mfa/verify gives the login body with amr; the history says totp', async () => {
      const { u, secret } = await withTotp();
      const res = await login(u).expect(200);
      expect(res.body).toEqual({
        success: false,
        mfa_required: true,
        mfa_token: expect.stringMatching(/^mfa_[A-Za-z0-9_-]{43}$/),
        methods: ['totp', 'recovery_code'],
        expires_in: 300,
      });
      expect(res.body).not.toHaveProperty('tokens');
      recordSecret(res.body.mfa_token);
      const [stored] = await t.dataSource.query(`SELECT token_hash FROM mfa_challenges WHERE user_id = '${u.id}'`);
      expect(stored.token_hash).not.toContain(res.body.mfa_token);

      const ok = await verify({ mfa_token: res.body.mfa_token, code: code(secret) }).expect(200);
      expect(ok.body).toMatchObject({ success: true, user: { id: u.id }, session_id: expect.any(String) });
      expect(claims(ok.body.tokens.access_token).amr).toEqual(['pwd', 'otp']);
      await t.http.get('/auth/me').set('Authorization', `Bearer ${ok.body.tokens.access_token}`).expect(200);
      // A refreshed pair keeps the session's amr.
      const refreshed = await t.http
        .post('/auth/refresh')
        .send({ refresh_token: ok.body.tokens.refresh_token })
        .expect(200);
      expect(claims(refreshed.body.access_token).amr).toEqual(['pwd', 'otp']);
      // Introspection tells other services how the session was signed in.
      const introspected = await t.http
        .post('/oauth/introspect')
        .set(admin.auth)
        .type('form')
        .send({ token: refreshed.body.access_token })
        .expect(200);
      expect(introspected.body).toMatchObject({ active: true, sub: u.id, amr: ['pwd', 'otp'] });

      const history = await t.http.get('/auth/login-history').set(u.auth).expect(200);
      const items = history.body.items ?? history.body;
      expect(items[0]).toMatchObject({ success: true, login_method: 'password', second_factor: 'totp' });
      const events = await t.http.get('/auth/security-events').set(u.auth).expect(200);
      const succeeded = (events.body.items as { type: string; details: Record<string, unknown> }[]).find(
        (e) => e.type === 'login_succeeded' && e.details.session_id === ok.body.session_id,
      );
      expect(succeeded?.details).toMatchObject({ second_factor: 'totp', amr: ['pwd', 'otp'] });
    });

    it('a code is accepted once: the same time step on another sign-in is 401', async () => {
      const { u, secret } = await withTotp();
      const c = code(secret);
      await verify({ mfa_token: await mfaToken(u), code: c }).expect(200);
      const replay = await verify({ mfa_token: await mfaToken(u), code: c }).expect(401);
      expect(replay.body.code).toBe('INVALID_MFA_CODE');
      // The next step's code works.
      await verify({ mfa_token: await mfaToken(u), code: code(secret) }).expect(200);
    });

    it('an mfa_token is single use, expires after 5 minutes, and unknown ones are 401', async () => {
      const { u, secret } = await withTotp();
      const token = await mfaToken(u);
      await verify({ mfa_token: token, code: code(secret) }).expect(200);
      const again = await verify({ mfa_token: token, code: code(secret) }).expect(401);
      expect(again.body.code).toBe('INVALID_MFA_TOKEN');
      const late = await mfaToken(u);
      t.clock.advance(301_000);
      expect((await verify({ mfa_token: late, code: code(secret, false) }).expect(401)).body.code).toBe(
        'INVALID_MFA_TOKEN',
      );
      await verify({ mfa_token: 'mfa_nope', code: '123456' }).expect(401);
      await verify({ mfa_token: 'x'.repeat(257), code: '123456' }).expect(422);
      await verify({ mfa_token: token }).expect(422);
    });

    it('is burned after 5 wrong codes', async () => {
      const { u, secret } = await withTotp();
      const token = await mfaToken(u);
      for (let i = 4; i >= 0; i--) {
        const res = await verify({ mfa_token: token, code: '000000' }).expect(401);
        expect(res.body).toMatchObject({ code: 'INVALID_MFA_CODE', attempts_remaining: i });
      }
      expect((await verify({ mfa_token: token, code: code(secret) }).expect(401)).body.code).toBe('INVALID_MFA_TOKEN');
      await unlock(u.id);
    });

    it('parallel verifies of one token with the right code: exactly one wins, and the account is not locked', async () => {
      const { u, secret } = await withTotp();
      const token = await mfaToken(u);
      const c = code(secret);
      const results = await Promise.all(Array.from({ length: 6 }, () => verify({ mfa_token: token, code: c })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 200)) expect(r.status).toBe(401);
      expect((await userRow(u.id)).failedLoginAttempts).toBe(0);
      expect((await userRow(u.id)).lockedUntil).toBeNull();
    });

    it('parallel wrong codes on one token: at most 5 are evaluated', async () => {
      const { u } = await withTotp();
      const token = await mfaToken(u);
      const results = await Promise.all(Array.from({ length: 12 }, () => verify({ mfa_token: token, code: '000000' })));
      const evaluated = results.filter((r) => r.body.code === 'INVALID_MFA_CODE');
      expect(evaluated.length).toBeLessThanOrEqual(5);
      expect(results.filter((r) => r.body.code === 'INVALID_MFA_TOKEN').length).toBeGreaterThanOrEqual(7);
      expect((await userRow(u.id)).failedLoginAttempts).toBeLessThanOrEqual(5);
      await unlock(u.id);
    });

    it('wrong codes count towards the lockout, across sign-ins; a correct password does not reset the count', async () => {
      const { u, secret } = await withTotp();
      for (let i = 0; i < 4; i++) await verify({ mfa_token: await mfaToken(u), code: '000000' }).expect(401);
      expect((await userRow(u.id)).failedLoginAttempts).toBe(4);
      // Four more: the eighth failure locks the account (423), even with the right code afterwards.
      const token = await mfaToken(u);
      for (let i = 0; i < 3; i++) await verify({ mfa_token: token, code: '000000' }).expect(401);
      const locked = await verify({ mfa_token: token, code: '000000' }).expect(423);
      expect(locked.headers['retry-after']).toBeDefined();
      await verify({
        mfa_token: await t.http
          .post('/auth/login')
          .send({ username: u.username, password: u.password })
          .then((r) => r.body.mfa_token ?? 'none'),
        code: code(secret),
      }).expect((r) => expect([401, 423]).toContain(r.status));
      await login(u).expect(423);
      const history = await t.http.get(`/auth/admin/users/${u.id}/login-history`).set(admin.auth).expect(200);
      expect(
        history.body.items.some(
          (h: { failure_reason: string; second_factor: string }) =>
            h.failure_reason === 'bad_mfa_code' && h.second_factor === 'totp',
        ),
      ).toBe(true);
      // Unlocked, a full sign-in resets the count.
      await unlock(u.id);
      await verify({ mfa_token: await mfaToken(u), code: '000000' }).expect(401);
      await verify({ mfa_token: await mfaToken(u), code: code(secret) }).expect(200);
      expect((await userRow(u.id)).failedLoginAttempts).toBe(0);
    });

    it('a locked account is refused on verify with 423', async () => {
      const { u, secret } = await withTotp();
      const token = await mfaToken(u);
      await setRow(u.id, { lockedUntil: new Date(t.clock.now() + 60_000) });
      await verify({ mfa_token: token, code: code(secret) }).expect(423);
      await unlock(u.id);
    });

    it('recovery codes: each works once, with or without dashes, and the status counts them', async () => {
      const { u, recovery } = await withTotp();
      const ok = await verify({ mfa_token: await mfaToken(u), recovery_code: recovery[0].toUpperCase() }).expect(200);
      expect(claims(ok.body.tokens.access_token).amr).toEqual(['pwd', 'otp']);
      await verify({ mfa_token: await mfaToken(u), recovery_code: recovery[0] }).expect(401);
      await verify({ mfa_token: await mfaToken(u), recovery_code: recovery[1].replace(/-/g, '') }).expect(200);
      expect((await t.http.get('/auth/mfa').set(u.auth).expect(200)).body.recovery_codes_remaining).toBe(8);
      const history = await t.http.get('/auth/login-history').set(u.auth).expect(200);
      expect(history.body.items[0]).toMatchObject({ success: true, second_factor: 'recovery_code' });
      // Parallel use of one recovery code on two sign-ins: one wins.
      const [a, b] = [await mfaToken(u), await mfaToken(u)];
      const both = await Promise.all([
        verify({ mfa_token: a, recovery_code: recovery[2] }),
        verify({ mfa_token: b, recovery_code: recovery[2] }),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 401]);
    });
  });

  describe('the OAuth2 password grant', () => {
    it('answers 403 mfa_required, then the mfa-otp grant gives the token body', async () => {
      const { u, secret, recovery } = await withTotp();
      const form = (body: string) =>
        t.http.post('/auth/token').set('Content-Type', 'application/x-www-form-urlencoded').send(body);
      const first = await form(`username=${u.username}&password=${encodeURIComponent(u.password)}`).expect(403);
      expect(first.body).toMatchObject({
        error: 'mfa_required',
        code: 'MFA_REQUIRED',
        mfa_token: expect.stringMatching(/^mfa_/),
        methods: ['totp', 'recovery_code'],
        expires_in: 300,
      });
      expect(first.headers['cache-control']).toBe('no-store');
      recordSecret(first.body.mfa_token);
      const grant = 'urn:voicegate:grant-type:mfa-otp';
      const wrong = await form(`grant_type=${grant}&mfa_token=${first.body.mfa_token}&otp=000000`).expect(401);
      expect(wrong.body).toMatchObject({ error: 'invalid_grant', code: 'INVALID_MFA_CODE' });
      await form(`grant_type=${grant}&mfa_token=${first.body.mfa_token}`).expect(400);
      const ok = await form(`grant_type=${grant}&mfa_token=${first.body.mfa_token}&otp=${code(secret)}`).expect(200);
      expect(ok.body).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        token_type: 'bearer',
        expires_in: 1800,
      });
      expect(claims(ok.body.access_token).amr).toEqual(['pwd', 'otp']);
      const spent = await form(`grant_type=${grant}&mfa_token=${first.body.mfa_token}&otp=${code(secret)}`).expect(401);
      expect(spent.body).toMatchObject({ error: 'invalid_grant', code: 'INVALID_MFA_TOKEN' });
      // A recovery code works as the otp too; the history records the password grant.
      const second = await form(`username=${u.username}&password=${encodeURIComponent(u.password)}`).expect(403);
      await form(`grant_type=${grant}&mfa_token=${second.body.mfa_token}&otp=${recovery[0]}`).expect(200);
      const history = await t.http.get('/auth/login-history').set(u.auth).expect(200);
      expect(history.body.items[0]).toMatchObject({ login_method: 'oauth2_password', second_factor: 'recovery_code' });
    });

    it('API keys are never asked for a factor', async () => {
      const { u } = await withTotp();
      await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200);
      await t.http.get('/auth/me').set('Authorization', `Bearer ${u.apiKey}`).expect(200);
      await t.http.get('/auth/mfa').set('X-API-Key', u.apiKey).expect(200);
      // … and a scoped one cannot take one away.
      const scoped = await scopedKey(u, ['profile:read', 'profile:write']);
      await t.http.delete('/auth/mfa/totp').set(scoped).send({ code: '123456' }).expect(403);
    });
  });

  describe('managing TOTP', () => {
    it('regenerates recovery codes with a code (the old set dies) and disables with a recovery code', async () => {
      const { u, secret, recovery } = await withTotp();
      await t.http.post('/auth/mfa/recovery-codes').set(u.auth).send({ code: '000000' }).expect(401);
      const fresh = await t.http
        .post('/auth/mfa/recovery-codes')
        .set(u.auth)
        .send({ code: code(secret) })
        .expect(200);
      expect(fresh.body.recovery_codes).toHaveLength(10);
      recordSecret(...fresh.body.recovery_codes);
      await verify({ mfa_token: await mfaToken(u), recovery_code: recovery[0] }).expect(401);
      await unlock(u.id);
      await t.http.delete('/auth/mfa/totp').set(u.auth).send({ recovery_code: 'nope-nope-nope' }).expect(401);
      await t.http
        .delete('/auth/mfa/totp')
        .set(u.auth)
        .send({ recovery_code: fresh.body.recovery_codes[0] })
        .expect(204);
      expect((await t.http.get('/auth/mfa').set(u.auth).expect(200)).body).toEqual({
        totp: false,
        passkeys: 0,
        recovery_codes_remaining: 0,
      });
      expect((await login(u).expect(200)).body.success).toBe(true);
      await t.http
        .delete('/auth/mfa/totp')
        .set(u.auth)
        .send({ code: code(secret) })
        .expect(409);
      const events = await t.http.get('/auth/security-events').set(u.auth).expect(200);
      const types = (events.body.items as { type: string }[]).map((e) => e.type);
      expect(types).toEqual(
        expect.arrayContaining(['mfa_totp_enabled', 'mfa_recovery_codes_regenerated', 'mfa_totp_disabled']),
      );
    });

    it('disables with a TOTP code, publishing mfa.disabled with the removal', async () => {
      const { u, secret } = await withTotp();
      const disabled = heard('mfa.disabled');
      const c = code(secret);
      await t.http.delete('/auth/mfa/totp').set(u.auth).send({ code: c }).expect(204);
      expect(disabled).toContainEqual({ user_id: u.id, method: 'totp' });
      expect((await login(u).expect(200)).body.success).toBe(true);
    });

    it('a password change since the password was given ends the sign-in step', async () => {
      const { u, secret } = await withTotp();
      const token = await mfaToken(u);
      const next = `Pw-${Date.now().toString(36)}-changed`;
      recordSecret(next);
      t.clock.advance(1_000);
      await t.http
        .post('/auth/change-password')
        .set(u.auth)
        .send({ current_password: u.password, new_password: next })
        .expect(204);
      expect((await verify({ mfa_token: token, code: code(secret) }).expect(401)).body.code).toBe('INVALID_MFA_TOKEN');
      expect((await userRow(u.id)).failedLoginAttempts).toBe(0);
    });
  });

  describe('admin', () => {
    it('resets every factor (audited, sessions end, mfa.disabled), filters the list by mfa and counts it', async () => {
      const { u } = await withTotp();
      const plain = await createUser(t);
      const enabled = await t.http
        .get('/auth/admin/users')
        .query({ mfa: 'enabled', per_page: 100 })
        .set(admin.auth)
        .expect(200);
      expect(enabled.body.users.map((x: { id: string }) => x.id)).toContain(u.id);
      expect(enabled.body.users.map((x: { id: string }) => x.id)).not.toContain(plain.id);
      const disabled = await t.http
        .get('/auth/admin/users')
        .query({ mfa: 'disabled', per_page: 100 })
        .set(admin.auth)
        .expect(200);
      expect(disabled.body.users.map((x: { id: string }) => x.id)).toContain(plain.id);
      await t.http.get('/auth/admin/users').query({ mfa: 'maybe' }).set(admin.auth).expect(422);
      const stats = await t.http.get('/auth/admin/stats').set(admin.auth).expect(200);
      expect(stats.body.users.by_mfa.enabled).toBe(enabled.body.total);
      expect(stats.body.users.by_mfa.enabled + stats.body.users.by_mfa.disabled).toBe(stats.body.users.total);
      const detail = await t.http.get(`/auth/admin/users/${u.id}/mfa`).set(admin.auth).expect(200);
      expect(detail.body).toMatchObject({ totp: true, passkeys: 0, recovery_codes_remaining: 10, enabled: true });

      await t.http.delete(`/auth/admin/users/${u.id}/mfa`).set(u.auth).expect(403);
      await t.http.delete('/auth/admin/users/00000000-0000-4000-8000-000000000000/mfa').set(admin.auth).expect(404);
      await t.http.delete('/auth/admin/users/not-a-uuid/mfa').set(admin.auth).expect(404);
      const removed = heard('mfa.disabled');
      await t.http.delete(`/auth/admin/users/${u.id}/mfa`).set(admin.auth).expect(204);
      expect(removed).toEqual([{ user_id: u.id, method: 'all' }]);
      await t.http.get('/auth/me').set(u.auth).expect(401); // the user's sessions ended
      expect((await login(u).expect(200)).body.success).toBe(true);
      const events = await t.http
        .get('/auth/admin/security-events')
        .query({ user_id: u.id })
        .set(admin.auth)
        .expect(200);
      const reset = (events.body.events as { type: string; actor_id: string }[]).find(
        (e) => e.type === 'admin_mfa_reset',
      );
      expect(reset?.actor_id).toBe(admin.id);
    });
  });

  describe('passkeys (a software authenticator)', () => {
    const registerPasskey = async (u: TestUser, name?: string) => {
      const authenticator = new SoftAuthenticator(ORIGIN, 'localhost');
      const options = await t.http.post('/auth/passkeys/register/options').set(u.auth).expect(200);
      expect(options.body).toMatchObject({
        rp: { id: 'localhost', name: 'Voicegate' },
        user: { name: u.username },
        challenge: expect.any(String),
        authenticatorSelection: { residentKey: 'required' },
      });
      const res = await t.http
        .post('/auth/passkeys/register/verify')
        .set(u.auth)
        .send({ response: authenticator.register(options.body), name })
        .expect(201);
      return { authenticator, passkey: res.body };
    };

    it('registers, lists, renames and deletes; the challenge is single use', async () => {
      const u = await createUser(t);
      const authenticator = new SoftAuthenticator(ORIGIN, 'localhost');
      const options = await t.http.post('/auth/passkeys/register/options').set(u.auth).expect(200);
      const response = authenticator.register(options.body);
      const created = await t.http
        .post('/auth/passkeys/register/verify')
        .set(u.auth)
        .send({ response, name: 'Laptop' })
        .expect(201);
      expect(created.body).toMatchObject({ id: expect.any(String), name: 'Laptop', transports: ['internal'] });
      await t.http.post('/auth/passkeys/register/verify').set(u.auth).send({ response }).expect(400);
      // Another origin is refused.
      const evil = new SoftAuthenticator('https://evil.example', 'localhost');
      const options2 = await t.http.post('/auth/passkeys/register/options').set(u.auth).expect(200);
      expect(options2.body.excludeCredentials).toEqual([expect.objectContaining({ id: authenticator.id })]);
      await t.http
        .post('/auth/passkeys/register/verify')
        .set(u.auth)
        .send({ response: evil.register(options2.body) })
        .expect(400);
      await t.http.post('/auth/passkeys/register/verify').set(u.auth).send({ response: 'x' }).expect(422);

      const list = await t.http.get('/auth/passkeys').set(u.auth).expect(200);
      expect(list.body).toEqual([expect.objectContaining({ id: created.body.id, name: 'Laptop' })]);
      await t.http.patch(`/auth/passkeys/${created.body.id}`).set(u.auth).send({ name: 'Work laptop' }).expect(200);
      const other = await createUser(t);
      await t.http.delete(`/auth/passkeys/${created.body.id}`).set(other.auth).expect(404);
      const reader = await scopedKey(u, ['profile:read']);
      expect((await t.http.get('/auth/passkeys').set(reader).expect(200)).body).toHaveLength(1);
      await t.http.delete(`/auth/passkeys/${created.body.id}`).set(reader).expect(403);
      const disabled = heard('mfa.disabled');
      await t.http.delete(`/auth/passkeys/${created.body.id}`).set(u.auth).expect(204);
      expect(disabled).toContainEqual({ user_id: u.id, method: 'passkey' });
      expect((await t.http.get('/auth/passkeys').set(u.auth).expect(200)).body).toEqual([]);
      const events = await t.http.get('/auth/security-events').set(u.auth).expect(200);
      expect((events.body.items as { type: string }[]).map((e) => e.type)).toEqual(
        expect.arrayContaining(['passkey_registered', 'passkey_renamed', 'passkey_deleted']),
      );
    });

    it('signs in without a password (amr webauthn); a replayed challenge or a counter that goes back is refused', async () => {
      const u = await createUser(t);
      const { authenticator } = await registerPasskey(u);
      const options = await t.http.post('/auth/passkeys/login/options').send({}).expect(200);
      expect(options.body).toMatchObject({ rpId: 'localhost', userVerification: 'required' });
      const assertion = authenticator.assert(options.body);
      const ok = await t.http.post('/auth/passkeys/login/verify').send({ response: assertion }).expect(200);
      expect(ok.body).toMatchObject({ success: true, user: { id: u.id } });
      expect(claims(ok.body.tokens.access_token).amr).toEqual(['webauthn']);
      const history = await t.http.get('/auth/login-history').set(u.auth).expect(200);
      expect(history.body.items[0]).toMatchObject({
        success: true,
        login_method: 'passkey',
        second_factor: 'webauthn',
      });
      // The same assertion again: its challenge is spent.
      expect(
        (await t.http.post('/auth/passkeys/login/verify').send({ response: assertion }).expect(401)).body.code,
      ).toBe('PASSKEY_REJECTED');
      // A counter that goes back (a cloned authenticator).
      const again = await t.http.post('/auth/passkeys/login/options').send({ username: u.username }).expect(200);
      expect(again.body.allowCredentials).toEqual([expect.objectContaining({ id: authenticator.id })]);
      await t.http
        .post('/auth/passkeys/login/verify')
        .send({ response: authenticator.assert(again.body, { counter: 1 }) })
        .expect(401);
      // Parallel verifies of one assertion: one wins.
      const third = await t.http.post('/auth/passkeys/login/options').send({}).expect(200);
      const a = authenticator.assert(third.body, { counter: 10 });
      const both = await Promise.all(
        [0, 1].map(() => t.http.post('/auth/passkeys/login/verify').send({ response: a })),
      );
      expect(both.map((r) => r.status).sort()).toEqual([200, 401]);
      // Expired challenge, unknown passkey, garbage.
      const late = await t.http.post('/auth/passkeys/login/options').send({}).expect(200);
      t.clock.advance(301_000);
      await t.http
        .post('/auth/passkeys/login/verify')
        .send({ response: authenticator.assert(late.body) })
        .expect(401);
      const stranger = new SoftAuthenticator(ORIGIN, 'localhost');
      const o = await t.http.post('/auth/passkeys/login/options').send({}).expect(200);
      await t.http
        .post('/auth/passkeys/login/verify')
        .send({ response: stranger.assert(o.body) })
        .expect(401);
      await t.http
        .post('/auth/passkeys/login/verify')
        .send({ response: { id: 'x', response: {} } })
        .expect(401);
      await t.http.post('/auth/passkeys/login/verify').send({}).expect(422);
      // An unknown username gets options like no username.
      const unknown = await t.http.post('/auth/passkeys/login/options').send({ username: 'nobody_here' }).expect(200);
      expect(unknown.body.allowCredentials ?? []).toEqual([]);
    });

    it('a passwordless sign-in needs user verification, and a locked or suspended account is refused', async () => {
      const u = await createUser(t);
      const options = await t.http.post('/auth/passkeys/register/options').set(u.auth).expect(200);
      const noUv = new SoftAuthenticator(ORIGIN, 'localhost', false);
      await t.http
        .post('/auth/passkeys/register/verify')
        .set(u.auth)
        .send({ response: noUv.register(options.body) })
        .expect(201);
      const o = await t.http.post('/auth/passkeys/login/options').send({}).expect(200);
      await t.http
        .post('/auth/passkeys/login/verify')
        .send({ response: noUv.assert(o.body) })
        .expect(401);

      const v = await createUser(t);
      const { authenticator } = await registerPasskey(v);
      await setRow(v.id, { lockedUntil: new Date(t.clock.now() + 60_000) });
      const o2 = await t.http.post('/auth/passkeys/login/options').send({}).expect(200);
      await t.http
        .post('/auth/passkeys/login/verify')
        .send({ response: authenticator.assert(o2.body) })
        .expect(423);
      await unlock(v.id);
      await setRow(v.id, { isSuspended: true });
      const o3 = await t.http.post('/auth/passkeys/login/options').send({}).expect(200);
      await t.http
        .post('/auth/passkeys/login/verify')
        .send({ response: authenticator.assert(o3.body) })
        .expect(403);
    });

    it('a passkey answers a sign-in step; a user whose only factor is a passkey is asked for it after the password', async () => {
      const u = await createUser(t);
      const { authenticator } = await registerPasskey(u);
      const step = await login(u).expect(200);
      expect(step.body).toMatchObject({ mfa_required: true, methods: ['webauthn'] });
      recordSecret(step.body.mfa_token);
      const grant = await t.http
        .post('/auth/token')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(`username=${u.username}&password=${encodeURIComponent(u.password)}`)
        .expect(403);
      expect(grant.body.methods).toEqual(['webauthn']);
      await t.http.post('/auth/passkeys/login/options').send({ mfa_token: 'mfa_unknown' }).expect(401);
      const options = await t.http
        .post('/auth/passkeys/login/options')
        .send({ mfa_token: step.body.mfa_token })
        .expect(200);
      expect(options.body.allowCredentials).toEqual([expect.objectContaining({ id: authenticator.id })]);
      // An assertion for a plain sign-in challenge does not answer the step.
      const plain = await t.http.post('/auth/passkeys/login/options').send({}).expect(200);
      await verify({ mfa_token: step.body.mfa_token, webauthn_response: authenticator.assert(plain.body) }).expect(401);
      const ok = await verify({
        mfa_token: step.body.mfa_token,
        webauthn_response: authenticator.assert(options.body),
      }).expect(200);
      expect(claims(ok.body.tokens.access_token).amr).toEqual(['pwd', 'webauthn']);
      expect((await t.http.get('/auth/mfa').set(u.auth).expect(200)).body).toEqual({
        totp: false,
        passkeys: 1,
        recovery_codes_remaining: 0,
      });
      // Admin reset removes passkeys too.
      await t.http.delete(`/auth/admin/users/${u.id}/mfa`).set(admin.auth).expect(204);
      expect((await login(u).expect(200)).body.success).toBe(true);
      await unlock(u.id);
    });
  });
});
