import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { AdminUsersService } from '../../src/admin/admin-users.service';
import { AuditQueryService } from '../../src/audit/audit-query.service';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../../src/audit/audit.events';
import { TranscriptionJob } from '../../src/jobs/entities/transcription-job.entity';
import { JobStatus } from '../../src/jobs/jobs.enums';
import { PrincipalCache } from '../../src/auth/credential/principal-cache';
import { User } from '../../src/users/entities/user.entity';
import { Role } from '../../src/users/users.enums';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';

const key = (u: TestUser) => ({ 'X-API-Key': u.apiKey });
const tag = () => randomUUID().slice(0, 8);

/** Every admin route of this module (the OpenAPI test below fails when one is added without being listed). */
const ADMIN_ROUTES: [method: 'get' | 'post' | 'put' | 'delete', path: string][] = [
  ['get', '/auth/admin/users'],
  ['post', '/auth/admin/users'],
  ['post', '/auth/admin/users/bulk'],
  ['get', '/auth/admin/users/{id}'],
  ['put', '/auth/admin/users/{id}'],
  ['delete', '/auth/admin/users/{id}'],
  ['post', '/auth/admin/users/{id}/suspend'],
  ['post', '/auth/admin/users/{id}/unsuspend'],
  ['post', '/auth/admin/users/{id}/unlock'],
  ['post', '/auth/admin/users/{id}/reset-password'],
  ['get', '/auth/admin/users/{id}/login-history'],
  ['get', '/auth/admin/users/{id}/sessions'],
  ['delete', '/auth/admin/users/{id}/sessions'],
  ['delete', '/auth/admin/users/{id}/sessions/{sid}'],
  ['get', '/auth/admin/stats'],
];

describe('admin API: /auth/admin/users', () => {
  let t: TestApp;
  let admin: TestUser;
  const events: SecurityEventInput[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    t.get(EventEmitter2).on(SECURITY_EVENT, (e: SecurityEventInput) => events.push(e));
  });
  afterAll(() => t.close());

  const login = (username: string, password: string) => t.http.post('/auth/login').send({ username, password });
  const me = (headers: Record<string, string>) => t.http.get('/auth/me').set(headers);
  const row = (id: string) => t.dataSource.getRepository(User).findOneBy({ id });
  const eventsOf = (type: SecurityEventType, userId: string) =>
    events.filter((e) => e.type === type && e.userId === userId);

  describe('access control', () => {
    let plain: TestUser;
    let victim: TestUser;
    beforeAll(async () => {
      plain = await createUser(t);
      victim = await createUser(t);
    });

    /** Every admin route in the OpenAPI document (so routes added elsewhere under /auth/admin are covered too). */
    const documentedRoutes = async () => {
      const doc = (await t.http.get('/openapi.json').expect(200)).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      return Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/auth/admin'))
        .flatMap(([path, ops]) => Object.keys(ops).map((m) => [m, path] as [string, string]));
    };
    const fill = (path: string) => path.replace('{id}', victim.id).replace('{sid}', victim.sessionId);
    const bodyFor = (path: string) =>
      path.endsWith('/bulk')
        ? { action: 'delete', user_ids: [victim.id] }
        : path.endsWith('/suspend')
          ? { reason: 'x' }
          : path.endsWith('/users')
            ? { email: 'x@example.com', username: `x_${tag()}` }
            : { role: 'admin' };

    it('documents every admin route, each tagged admin', async () => {
      const documented = await documentedRoutes();
      for (const r of ADMIN_ROUTES) expect(documented).toContainEqual(r);
      const doc = (await t.http.get('/openapi.json')).body;
      for (const [m, p] of ADMIN_ROUTES) expect(doc.paths[p][m].tags).toContain('admin');
    });

    it('a non-admin gets 403 on every admin route, with their JWT and with their API key; anonymous gets 401', async () => {
      const routes = await documentedRoutes();
      expect(routes.length).toBeGreaterThanOrEqual(ADMIN_ROUTES.length);
      for (const [method, path] of routes) {
        const url = fill(path);
        const http = t.http as unknown as Record<string, (u: string) => import('supertest').Test>;
        const send = (headers: Record<string, string>) => http[method](url).set(headers).send(bodyFor(path));
        const anon = await send({});
        expect([method, path, anon.status]).toEqual([method, path, 401]);
        expect(anon.headers['www-authenticate']).toMatch(/^Bearer/);
        const viaJwt = await send(plain.auth);
        expect([method, path, viaJwt.status, viaJwt.body.code]).toEqual([method, path, 403, 'FORBIDDEN']);
        const viaKey = await send(key(plain));
        expect([method, path, viaKey.status]).toEqual([method, path, 403]);
      }
      // Nothing leaked through: the victim is untouched and still signed in.
      expect(await row(victim.id)).toMatchObject({ role: Role.User, isSuspended: false, isActive: true });
      await me(victim.auth).expect(200);
      expect((await row(plain.id))?.role).toBe(Role.User);
    });

    it('an admin reaches the API with a JWT, with their API key, and under /api', async () => {
      await t.http.get('/auth/admin/users').set(admin.auth).expect(200);
      await t.http.get('/auth/admin/users').set(key(admin)).expect(200);
      await t.http.get('/api/auth/admin/users/').set(admin.auth).expect(200);
      await t.http.get('/api/auth/admin/stats').set(key(admin)).expect(200);
    });

    it('unknown and malformed ids are 404 on every per-user route', async () => {
      for (const id of [randomUUID(), 'not-a-uuid', '1']) {
        await t.http.get(`/auth/admin/users/${id}`).set(admin.auth).expect(404);
        await t.http.put(`/auth/admin/users/${id}`).set(admin.auth).send({ full_name: 'x' }).expect(404);
        await t.http.delete(`/auth/admin/users/${id}`).set(admin.auth).expect(404);
        await t.http.post(`/auth/admin/users/${id}/suspend`).set(admin.auth).send({ reason: 'x' }).expect(404);
        await t.http.post(`/auth/admin/users/${id}/unsuspend`).set(admin.auth).expect(404);
        await t.http.post(`/auth/admin/users/${id}/unlock`).set(admin.auth).expect(404);
        await t.http.post(`/auth/admin/users/${id}/reset-password`).set(admin.auth).send({}).expect(404);
        await t.http.get(`/auth/admin/users/${id}/login-history`).set(admin.auth).expect(404);
        await t.http.get(`/auth/admin/users/${id}/sessions`).set(admin.auth).expect(404);
        await t.http.delete(`/auth/admin/users/${id}/sessions`).set(admin.auth).expect(404);
        await t.http.delete(`/auth/admin/users/${id}/sessions/${randomUUID()}`).set(admin.auth).expect(404);
      }
      await t.http.delete(`/auth/admin/users/${victim.id}/sessions/not-a-uuid`).set(admin.auth).expect(404);
    });
  });

  describe('GET /auth/admin/users: search, filters, sort, pagination', () => {
    it('lists users in the page envelope, UserOut without secrets', async () => {
      const res = await t.http.get('/auth/admin/users').set(admin.auth).expect(200);
      expect(res.body).toMatchObject({ page: 1, per_page: 20 });
      expect(res.body.total).toBeGreaterThanOrEqual(1);
      expect(res.body.pages).toBe(Math.ceil(res.body.total / 20));
      const u = res.body.users.find((x: { id: string }) => x.id === admin.id);
      expect(u).toMatchObject({
        username: admin.username,
        role: 'admin',
        is_superuser: true,
        is_active: true,
        is_suspended: false,
      });
      expect(u.rate_limits).toEqual({
        per_minute: expect.any(Number),
        per_hour: expect.any(Number),
        per_day: expect.any(Number),
      });
      expect(JSON.stringify(res.body)).not.toMatch(/hashed_password|api_key_hash|\$2[aby]\$/);
    });

    it('search is a case-insensitive substring of email, username or full name; % _ and \\ match literally', async () => {
      const p = tag();
      const a = await createUser(t, { username: `ab_cd${p}`, fullName: 'Fifty 50% off' });
      const b = await createUser(t, { username: `abxcd${p}`, fullName: 'Five 500 off' });
      const c = await createUser(t, {
        username: `plain${p}`,
        fullName: 'Back\\slash Person',
        email: `MiXeD.${p}@Example.com`,
      });
      const search = async (q: string) =>
        (
          (await t.http.get('/auth/admin/users').query({ search: q, per_page: 100 }).set(admin.auth).expect(200)).body
            .users as { id: string }[]
        ).map((u) => u.id);

      expect(await search(`b_cd${p}`)).toEqual([a.id]); // `_` is no single-character wildcard
      expect(await search(`B_CD${p}`.toUpperCase())).toEqual([a.id]);
      expect(await search(`bxcd${p}`)).toEqual([b.id]);
      expect((await search('0% off')).sort()).toEqual([a.id]); // `%` is no wildcard: "500 off" does not match
      expect(await search('k\\s')).toEqual([c.id]);
      expect(await search(`mixed.${p}@EXAMPLE`)).toEqual([c.id]);
      expect(await search(`fifty 50%`)).toEqual([a.id]);
      expect(await search(`%${p}`)).toEqual([]);
      expect(await search(`_${p}`)).toEqual([]);
      expect(await search(`nothing-${p}`)).toEqual([]);
    });

    it('filters by role and by each status', async () => {
      const p = tag();
      const suspended = await createUser(t, { username: `st_susp_${p}` });
      const inactive = await createUser(t, { username: `st_inac_${p}` });
      const locked = await createUser(t, { username: `st_lock_${p}` });
      const verified = await createUser(t, { username: `st_veri_${p}`, isVerified: true });
      const promoted = await createUser(t, { username: `st_admn_${p}`, role: Role.Admin, isVerified: true });
      const repo = t.dataSource.getRepository(User);
      await repo.update({ id: suspended.id }, { isSuspended: true, suspendedReason: 'x' });
      await repo.update({ id: inactive.id }, { isActive: false });
      await repo.update({ id: locked.id }, { lockedUntil: new Date(t.clock.now() + 600_000), failedLoginAttempts: 5 });
      const ids = async (query: Record<string, string>) =>
        (
          (
            await t.http
              .get('/auth/admin/users')
              .query({ search: `st_`, ...query, per_page: 100 })
              .set(admin.auth)
              .expect(200)
          ).body.users as { id: string; username: string }[]
        )
          .filter((u) => u.username.endsWith(p))
          .map((u) => u.id)
          .sort();

      expect(await ids({ status: 'suspended' })).toEqual([suspended.id]);
      expect(await ids({ status: 'inactive' })).toEqual([inactive.id]);
      expect(await ids({ status: 'locked' })).toEqual([locked.id]);
      expect(await ids({ status: 'unverified' })).toEqual([suspended.id, inactive.id, locked.id].sort());
      expect(await ids({ status: 'active' })).toEqual([verified.id, promoted.id].sort());
      expect(await ids({ role: 'admin' })).toEqual([promoted.id]);
      expect(await ids({ role: 'user', status: 'active' })).toEqual([verified.id]);
      // The lock runs out: no longer "locked", "active" again.
      t.clock.advance(601_000);
      expect(await ids({ status: 'locked' })).toEqual([]);
      expect(await ids({ status: 'active' })).toEqual([verified.id, locked.id, promoted.id].sort());
    });

    it('pages through a sorted list without gaps or repeats', async () => {
      const p = tag();
      const names = ['delta', 'Alpha', 'charlie', 'bravo', 'Echo'].map((n) => `${n}_${p}`);
      for (const n of names) await createUser(t, { username: n });
      const page = (query: Record<string, string | number>) =>
        t.http
          .get('/auth/admin/users')
          .query({ search: `_${p}`, ...query })
          .set(admin.auth)
          .expect(200);
      const expected = [...names].sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase()));

      const seen: string[] = [];
      for (let n = 1; n <= 3; n++) {
        const res = await page({ sort: 'username', per_page: 2, page: n });
        expect(res.body).toMatchObject({ total: 5, page: n, per_page: 2, pages: 3 });
        seen.push(...res.body.users.map((u: { username: string }) => u.username));
      }
      expect(seen).toEqual(expected);
      expect((await page({ sort: 'username', per_page: 2, page: 4 })).body).toMatchObject({
        users: [],
        total: 5,
        pages: 3,
      });
      expect(
        (await page({ sort: '-username', per_page: 100 })).body.users.map((u: { username: string }) => u.username),
      ).toEqual([...expected].reverse());
      expect(
        (await page({ sort: 'email', per_page: 100 })).body.users.map((u: { username: string }) => u.username),
      ).toEqual(expected);
      expect(
        (await page({ sort: '-email', per_page: 100 })).body.users.map((u: { username: string }) => u.username),
      ).toEqual([...expected].reverse());
      const created = (await page({ sort: 'created_at', per_page: 100 })).body.users.map(
        (u: { created_at: string }) => u.created_at,
      );
      expect(created).toEqual([...created].sort());
      const createdDesc = (await page({ per_page: 100 })).body.users.map((u: { created_at: string }) => u.created_at);
      expect(createdDesc).toEqual([...created].sort().reverse());
    });

    it('sorts by last sign-in, never-signed-in users last', async () => {
      const p = tag();
      const early = await createUser(t, { username: `ll_early_${p}` });
      const late = await createUser(t, { username: `ll_late_${p}` });
      const never = await createUser(t, { username: `ll_never_${p}` });
      const repo = t.dataSource.getRepository(User);
      await repo.update({ id: early.id }, { lastLoginAt: new Date('2030-01-01T00:00:00Z') });
      await repo.update({ id: late.id }, { lastLoginAt: new Date('2030-06-01T00:00:00Z') });
      await repo.update({ id: never.id }, { lastLoginAt: null });
      const order = async (sort: string) =>
        (
          (await t.http.get('/auth/admin/users').query({ search: `ll_`, sort }).set(admin.auth).expect(200)).body
            .users as { username: string }[]
        )
          .filter((u) => u.username.endsWith(p))
          .map((u) => u.username.split('_')[1]);
      expect(await order('last_login_at')).toEqual(['early', 'late', 'never']);
      expect(await order('-last_login_at')).toEqual(['late', 'early', 'never']);
    });

    it.each([
      ['page=0'],
      ['page=-1'],
      ['page=abc'],
      ['page=1.5'],
      ['per_page=0'],
      ['per_page=101'],
      ['per_page=ten'],
      ['sort=password'],
      ['sort=created'],
      ['status=deleted'],
      ['role=root'],
      ['unknown=1'],
      ['page=1&page=2'],
      [`search=${'x'.repeat(101)}`],
    ])('422 for %s', async (query) => {
      const res = await t.http.get(`/auth/admin/users?${query}`).set(admin.auth).expect(422);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.length).toBeGreaterThan(0);
    });
  });

  describe('POST /auth/admin/users', () => {
    it('creates a user with a generated password and API key, each shown once', async () => {
      const username = `created_${tag()}`;
      const res = await t.http
        .post('/auth/admin/users')
        .set(admin.auth)
        .send({ email: `${username}@Example.com`, username, full_name: 'Created One' })
        .expect(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body.user).toMatchObject({
        username,
        email: `${username}@example.com`,
        full_name: 'Created One',
        role: 'user',
        is_verified: false,
        is_active: true,
      });
      expect(res.body.api_key).toMatch(/^tk_/);
      expect(res.body.generated_password).toEqual(expect.any(String));
      expect(res.body.generated_password.length).toBeGreaterThanOrEqual(16);
      await login(username, res.body.generated_password).expect(200);
      await me({ 'X-API-Key': res.body.api_key }).expect(200);
      // Neither secret is in the detail view or the audit event.
      const detail = await t.http.get(`/auth/admin/users/${res.body.user.id}`).set(admin.auth).expect(200);
      expect(JSON.stringify(detail.body)).not.toContain(res.body.generated_password);
      const created = eventsOf(SecurityEventType.AdminUserCreated, res.body.user.id);
      expect(created).toHaveLength(1);
      expect(created[0].actorId).toBe(admin.id);
      expect(JSON.stringify(created)).not.toContain(res.body.generated_password);
      expect(JSON.stringify(created)).not.toContain(res.body.api_key);
    });

    it('creates an admin with a given password (no generated one), verified', async () => {
      const username = `newadmin_${tag()}`;
      const password = 'A perfectly fine passphrase';
      const res = await t.http
        .post('/auth/admin/users')
        .set(key(admin))
        .send({ email: `${username}@example.com`, username, password, role: 'admin', is_verified: true })
        .expect(201);
      expect(res.body).not.toHaveProperty('generated_password');
      expect(res.body.user).toMatchObject({ role: 'admin', is_superuser: true, is_verified: true });
      const signedIn = await login(username, password).expect(200);
      await t.http
        .get('/auth/admin/stats')
        .set('Authorization', `Bearer ${signedIn.body.tokens.access_token}`)
        .expect(200);
    });

    it('applies the password policy and refuses duplicates and bad payloads', async () => {
      const username = `policy_${tag()}`;
      const weak = await t.http
        .post('/auth/admin/users')
        .set(admin.auth)
        .send({ email: `${username}@example.com`, username, password: 'password' })
        .expect(422);
      expect(weak.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
      await t.http
        .post('/auth/admin/users')
        .set(admin.auth)
        .send({ email: `${username}@example.com`, username, password: 'short' })
        .expect(422);
      await t.http
        .post('/auth/admin/users')
        .set(admin.auth)
        .send({ email: `${username}@example.com`, username, password: username })
        .expect(422);

      const taken = await t.http
        .post('/auth/admin/users')
        .set(admin.auth)
        .send({ email: `other_${username}@example.com`, username: admin.username.toUpperCase() })
        .expect(409);
      expect(taken.body.detail).toBe('Username already registered');
      const emailTaken = await t.http
        .post('/auth/admin/users')
        .set(admin.auth)
        .send({ email: admin.email.toUpperCase(), username })
        .expect(409);
      expect(emailTaken.body.detail).toBe('Email already registered');

      for (const body of [
        {},
        { email: 'nope', username },
        { email: `${username}@example.com`, username: 'x' },
        { email: `${username}@example.com`, username, role: 'root' },
        { email: `${username}@example.com`, username, role: null },
        { email: `${username}@example.com`, username, is_verified: 'yes' },
        { email: `${username}@example.com`, username, password: null },
        { email: `${username}@example.com`, username, api_key_hash: 'x' },
      ])
        await t.http.post('/auth/admin/users').set(admin.auth).send(body).expect(422);
      await t.http
        .get('/auth/admin/users')
        .query({ search: username })
        .set(admin.auth)
        .expect(200)
        .expect((r) => expect(r.body.total).toBe(0));
    });
  });

  describe('GET /auth/admin/users/{id}', () => {
    it('returns the user, recent sign-ins, live sessions, recent security events and usage', async () => {
      const u = await createUser(t);
      await login(u.username, 'wrong password!').expect(401);
      const ok = await login(u.username, u.password).expect(200);
      await t.http.post('/auth/logout').set('Authorization', `Bearer ${ok.body.tokens.access_token}`).expect(204);
      await t.http.post(`/auth/admin/users/${u.id}/unlock`).set(admin.auth).expect(200);
      await t.dataSource.getRepository(TranscriptionJob).insert([
        { jobId: randomUUID(), userId: u.id, filename: 'a.wav', status: JobStatus.Completed },
        { jobId: randomUUID(), userId: u.id, filename: 'b.wav', status: JobStatus.Pending },
      ]);

      const res = await t.http.get(`/auth/admin/users/${u.id}`).set(admin.auth).expect(200);
      expect(res.body.user).toMatchObject({ id: u.id, username: u.username });
      expect(res.body.login_history.length).toBeGreaterThanOrEqual(2);
      expect(res.body.login_history[0]).toMatchObject({ success: true, login_method: 'password' });
      expect(
        res.body.login_history.some(
          (h: { success: boolean; failure_reason: string }) => !h.success && h.failure_reason === 'bad_password',
        ),
      ).toBe(true);
      // Live sessions only: the factory's, not the one that logged out.
      expect(res.body.sessions.map((s: { id: string }) => s.id)).toEqual([u.sessionId]);
      expect(
        res.body.security_events.some(
          (e: { type: string; actor_id: string }) => e.type === 'account_unlocked' && e.actor_id === admin.id,
        ),
      ).toBe(true);
      expect(res.body.usage).toMatchObject({
        total_requests: expect.any(Number),
        transcriptions: 0,
        jobs: { total: 2, pending: 1, completed: 1, processing: 0, failed: 0 },
        active_sessions: 1,
      });
    });

    it('pages the login history and lists every session, ended ones marked inactive', async () => {
      const u = await createUser(t);
      for (let i = 0; i < 3; i++) await login(u.username, u.password).expect(200);
      const hist = await t.http
        .get(`/auth/admin/users/${u.id}/login-history`)
        .query({ page: 2, per_page: 2 })
        .set(admin.auth)
        .expect(200);
      expect(hist.body).toMatchObject({ total: 4, page: 2, per_page: 2, pages: 2 });
      expect(hist.body.items).toHaveLength(2);
      await t.http.get(`/auth/admin/users/${u.id}/login-history`).query({ per_page: 500 }).set(admin.auth).expect(422);

      await t.http.delete(`/auth/admin/users/${u.id}/sessions/${u.sessionId}`).set(admin.auth).expect(204);
      const sessions = (await t.http.get(`/auth/admin/users/${u.id}/sessions`).set(admin.auth).expect(200)).body as {
        id: string;
        active: boolean;
        revoked_at: string | null;
      }[];
      expect(sessions).toHaveLength(4);
      expect(sessions.find((s) => s.id === u.sessionId)).toMatchObject({
        active: false,
        revoked_at: expect.any(String),
      });
      expect(sessions.filter((s) => s.active)).toHaveLength(3);
    });
  });

  describe('PUT /auth/admin/users/{id}', () => {
    it('updates profile fields; a new email is unverified unless said otherwise', async () => {
      const u = await createUser(t, { isVerified: true });
      const p = tag();
      const res = await t.http
        .put(`/auth/admin/users/${u.id}`)
        .set(admin.auth)
        .send({ full_name: '  New Name ', email: `New.${p}@Example.com`, username: `renamed_${p}` })
        .expect(200);
      expect(res.body).toMatchObject({
        full_name: 'New Name',
        email: `new.${p}@example.com`,
        username: `renamed_${p}`,
        is_verified: false,
      });
      const again = await t.http
        .put(`/auth/admin/users/${u.id}`)
        .set(admin.auth)
        .send({ email: `third.${p}@example.com`, is_verified: true, full_name: null })
        .expect(200);
      expect(again.body).toMatchObject({ email: `third.${p}@example.com`, is_verified: true, full_name: null });
      await login(`renamed_${p}`, u.password).expect(200);
      const ev = eventsOf(SecurityEventType.AdminUserUpdated, u.id);
      expect(ev.length).toBe(2);
      expect(ev[0]).toMatchObject({
        actorId: admin.id,
        details: { changes: expect.objectContaining({ username: { from: u.username, to: `renamed_${p}` } }) },
      });
    });

    it('refuses a taken email or username (409) and bad payloads (422)', async () => {
      const u = await createUser(t);
      const other = await createUser(t);
      expect(
        (
          await t.http
            .put(`/auth/admin/users/${u.id}`)
            .set(admin.auth)
            .send({ username: other.username.toUpperCase() })
            .expect(409)
        ).body.detail,
      ).toBe('Username already registered');
      expect(
        (await t.http.put(`/auth/admin/users/${u.id}`).set(admin.auth).send({ email: other.email }).expect(409)).body
          .detail,
      ).toBe('Email already registered');
      for (const body of [
        { email: 'nope' },
        { email: null },
        { username: 'a b' },
        { role: 'superuser' },
        { is_active: 'false' },
        { is_active: null },
        { rate_limits: { per_minute: 0 } },
        { rate_limits: { per_minute: -5 } },
        { rate_limits: { per_hour: 1.5 } },
        { rate_limits: { per_day: '100' } },
        { rate_limits: { per_week: 100 } },
        { rate_limits: 'none' },
        { is_suspended: true },
        { hashed_password: 'x' },
      ])
        await t.http.put(`/auth/admin/users/${u.id}`).set(admin.auth).send(body).expect(422);
    });

    it('sets and resets per-user rate limits; the guard sees them on the next request', async () => {
      const u = await createUser(t);
      await me(u.auth).expect(200); // the guard now has the user cached
      const defaults = (await me(u.auth)).body.rate_limits;
      const set = await t.http
        .put(`/auth/admin/users/${u.id}`)
        .set(admin.auth)
        .send({ rate_limits: { per_minute: 5, per_day: 1000 } })
        .expect(200);
      expect(set.body.rate_limits).toEqual({ per_minute: 5, per_hour: defaults.per_hour, per_day: 1000 });
      expect((await t.get(PrincipalCache).userState(u.id))?.snapshot.rateLimits).toEqual({
        perMinute: 5,
        perHour: null,
        perDay: 1000,
      });
      const one = await t.http
        .put(`/auth/admin/users/${u.id}`)
        .set(admin.auth)
        .send({ rate_limits: { per_minute: null } })
        .expect(200);
      expect(one.body.rate_limits).toEqual({
        per_minute: defaults.per_minute,
        per_hour: defaults.per_hour,
        per_day: 1000,
      });
      const all = await t.http.put(`/auth/admin/users/${u.id}`).set(admin.auth).send({ rate_limits: null }).expect(200);
      expect(all.body.rate_limits).toEqual(defaults);
      expect((await t.get(PrincipalCache).userState(u.id))?.snapshot.rateLimits).toEqual({
        perMinute: null,
        perHour: null,
        perDay: null,
      });
    });

    it('a role change applies to the very next request of the same token and key', async () => {
      const u = await createUser(t);
      await t.http.get('/auth/admin/users').set(u.auth).expect(403);
      await t.http.put(`/auth/admin/users/${u.id}`).set(admin.auth).send({ role: 'admin' }).expect(200);
      await t.http.get('/auth/admin/users').set(u.auth).expect(200);
      await t.http.get('/auth/admin/users').set(key(u)).expect(200);
      await t.http.put(`/auth/admin/users/${u.id}`).set(admin.auth).send({ role: 'user' }).expect(200);
      await t.http.get('/auth/admin/users').set(u.auth).expect(403);
      await t.http.get('/auth/admin/users').set(key(u)).expect(403);
    });

    it('deactivation ends every session and refuses token, key and login (403 "Inactive user"); reactivation lets them in again', async () => {
      const u = await createUser(t);
      await me(key(u)).expect(200);
      await t.http
        .put(`/auth/admin/users/${u.id}`)
        .set(admin.auth)
        .send({ is_active: false })
        .expect(200)
        .expect((r) => expect(r.body.is_active).toBe(false));
      expect((await me(u.auth).expect(403)).body.detail).toBe('Inactive user');
      const viaKey = await me(key(u)).expect(403);
      expect(viaKey.body.detail).toBe('Inactive user');
      expect((await login(u.username, u.password).expect(403)).body.detail).toBe('Inactive user');
      expect((await t.http.post('/auth/refresh').send({ refresh_token: u.refreshToken })).status).toBe(401);

      await t.http.put(`/auth/admin/users/${u.id}`).set(admin.auth).send({ is_active: true }).expect(200);
      await me(key(u)).expect(200);
      const again = await login(u.username, u.password).expect(200);
      await me({ Authorization: `Bearer ${again.body.tokens.access_token}` }).expect(200);
      await me(u.auth).expect(401); // ended sessions stay ended
    });
  });

  describe('suspend / unsuspend', () => {
    it('suspension refuses the JWT (403 "Account suspended"), the API key and the login; unsuspension restores key and login', async () => {
      const u = await createUser(t);
      await me(u.auth).expect(200);
      await me(key(u)).expect(200);
      const res = await t.http
        .post(`/auth/admin/users/${u.id}/suspend`)
        .set(admin.auth)
        .send({ reason: '  Abuse of the API  ' })
        .expect(200);
      expect(res.body).toMatchObject({ id: u.id, is_suspended: true, suspended_reason: 'Abuse of the API' });

      expect((await me(u.auth).expect(403)).body.detail).toBe('Account suspended');
      expect((await me(key(u)).expect(403)).body.detail).toBe('Account suspended');
      expect((await login(u.username, u.password).expect(403)).body.detail).toBe('Account suspended');
      expect((await t.http.post('/auth/refresh').send({ refresh_token: u.refreshToken })).status).toBe(401);
      const sessions = (await t.http.get(`/auth/admin/users/${u.id}/sessions`).set(admin.auth)).body as {
        active: boolean;
      }[];
      expect(sessions.every((s) => !s.active)).toBe(true);
      expect(eventsOf(SecurityEventType.AdminUserSuspended, u.id)).toEqual([
        expect.objectContaining({
          actorId: admin.id,
          userId: u.id,
          details: expect.objectContaining({ reason: 'Abuse of the API', sessions_revoked: 1 }),
        }),
      ]);

      const back = await t.http.post(`/auth/admin/users/${u.id}/unsuspend`).set(admin.auth).expect(200);
      expect(back.body).toMatchObject({ is_suspended: false, suspended_reason: null });
      await me(u.auth).expect(401); // its session was ended by the suspension and stays ended
      await me(key(u)).expect(200);
      const again = await login(u.username, u.password).expect(200);
      await me({ Authorization: `Bearer ${again.body.tokens.access_token}` }).expect(200);
      expect(eventsOf(SecurityEventType.AdminUserUnsuspended, u.id)).toHaveLength(1);
    });

    it('a suspended user whose session the guard still trusts gets 403 "Account suspended" on the token', async () => {
      const u = await createUser(t);
      await me(u.auth).expect(200);
      // Suspended by a path that keeps sessions (e.g. another instance's write seen through invalidation).
      await t.dataSource.getRepository(User).update({ id: u.id }, { isSuspended: true });
      await t.get(PrincipalCache).invalidateUser(u.id);
      expect((await me(u.auth).expect(403)).body.detail).toBe('Account suspended');
    });

    it('takes an optional reason of at most 500 characters', async () => {
      const u = await createUser(t);
      for (const body of [{ reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(501) }, { reason: 5 }])
        await t.http.post(`/auth/admin/users/${u.id}/suspend`).set(admin.auth).send(body).expect(422);
      await t.http
        .post(`/auth/admin/users/${u.id}/suspend`)
        .set(admin.auth)
        .send({ reason: 'x'.repeat(500) })
        .expect(200);
    });
  });

  describe('DELETE /auth/admin/users/{id}', () => {
    it('deletes the user: token 401, key 401, login 401; the audit trail keeps the id', async () => {
      const u = await createUser(t);
      await me(u.auth).expect(200);
      await me(key(u)).expect(200);
      await t.http.delete(`/auth/admin/users/${u.id}`).set(admin.auth).expect(204);
      await me(u.auth).expect(401);
      await me(key(u)).expect(401);
      await login(u.username, u.password).expect(401);
      await t.http.get(`/auth/admin/users/${u.id}`).set(admin.auth).expect(404);
      await t.http.delete(`/auth/admin/users/${u.id}`).set(admin.auth).expect(404);
      const trail = await t
        .get(AuditQueryService)
        .securityEvents({ userId: u.id, type: SecurityEventType.AdminUserDeleted });
      expect(trail.items).toHaveLength(1);
      expect(trail.items[0]).toMatchObject({ user_id: u.id, actor_id: admin.id });
    });
  });

  describe('POST /{id}/reset-password', () => {
    it('generates a password (200, shown once): old sessions 401, old password refused, new one works', async () => {
      const u = await createUser(t);
      const res = await t.http.post(`/auth/admin/users/${u.id}/reset-password`).set(admin.auth).send({}).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const pw = res.body.generated_password as string;
      expect(pw.length).toBeGreaterThanOrEqual(16);
      await me(u.auth).expect(401);
      await login(u.username, u.password).expect(401);
      await login(u.username, pw).expect(200);
      const ev = eventsOf(SecurityEventType.PasswordReset, u.id);
      expect(ev).toHaveLength(1);
      expect(ev[0].actorId).toBe(admin.id);
      expect(JSON.stringify(ev)).not.toContain(pw);
    });

    it('sets a given password (204), checked against the policy, and works without a body', async () => {
      const u = await createUser(t);
      const pw = 'Another fine passphrase';
      const res = await t.http
        .post(`/auth/admin/users/${u.id}/reset-password`)
        .set(admin.auth)
        .send({ new_password: pw })
        .expect(204);
      expect(res.headers['cache-control']).toBe('no-store');
      await login(u.username, pw).expect(200);
      for (const new_password of ['password', 'short', u.username, '', null, 42])
        await t.http
          .post(`/auth/admin/users/${u.id}/reset-password`)
          .set(admin.auth)
          .send({ new_password })
          .expect(422);
      await login(u.username, pw).expect(200);
      const bare = await t.http.post(`/auth/admin/users/${u.id}/reset-password`).set(admin.auth).expect(200);
      await login(u.username, bare.body.generated_password).expect(200);
    });

    it('clears a lockout', async () => {
      const u = await createUser(t);
      for (let i = 0; i < t.config.lockout.maxAttempts; i++) await login(u.username, 'not the password');
      await login(u.username, u.password).expect(423);
      const res = await t.http.post(`/auth/admin/users/${u.id}/reset-password`).set(admin.auth).send({}).expect(200);
      await login(u.username, res.body.generated_password).expect(200);
    });
  });

  describe('POST /{id}/unlock', () => {
    it('lets a locked user sign in again at once', async () => {
      const u = await createUser(t);
      for (let i = 0; i < t.config.lockout.maxAttempts; i++) await login(u.username, 'not the password');
      expect((await login(u.username, u.password).expect(423)).headers['retry-after']).toBeDefined();
      const listed = await t.http
        .get('/auth/admin/users')
        .query({ search: u.username, status: 'locked' })
        .set(admin.auth)
        .expect(200);
      expect(listed.body.users.map((x: { id: string }) => x.id)).toEqual([u.id]);
      const res = await t.http.post(`/auth/admin/users/${u.id}/unlock`).set(admin.auth).expect(200);
      expect(res.body.locked_until).toBeNull();
      expect(await row(u.id)).toMatchObject({ failedLoginAttempts: 0, lockedUntil: null });
      await login(u.username, u.password).expect(200);
      expect(eventsOf(SecurityEventType.AccountUnlocked, u.id)).toEqual([
        expect.objectContaining({ actorId: admin.id }),
      ]);
    });
  });

  describe('sessions', () => {
    it("ends one session (404 when it is not the user's) or all of them", async () => {
      const u = await createUser(t);
      const other = await createUser(t);
      const second = await login(u.username, u.password).expect(200);
      const secondAuth = { Authorization: `Bearer ${second.body.tokens.access_token}` };

      await t.http.delete(`/auth/admin/users/${u.id}/sessions/${other.sessionId}`).set(admin.auth).expect(404);
      await me(other.auth).expect(200);
      await t.http.delete(`/auth/admin/users/${u.id}/sessions/${u.sessionId}`).set(admin.auth).expect(204);
      await me(u.auth).expect(401);
      await me(secondAuth).expect(200);
      await t.http.delete(`/auth/admin/users/${u.id}/sessions`).set(admin.auth).expect(204);
      await me(secondAuth).expect(401);
      await me(key(u)).expect(200); // the API key is no session
      expect(eventsOf(SecurityEventType.AdminSessionsRevoked, u.id).map((e) => e.details?.sessions_revoked)).toEqual([
        1, 1,
      ]);
    });
  });

  describe('guard rails', () => {
    it.each([
      ['suspend', 'post', '/suspend', { reason: 'me' }],
      ['delete', 'delete', '', undefined],
      ['demote', 'put', '', { role: 'user' }],
      ['deactivate', 'put', '', { is_active: false }],
    ] as const)('an admin cannot %s themself (409)', async (_, method, suffix, body) => {
      const res = await t.http[method](`/auth/admin/users/${admin.id}${suffix}`).set(admin.auth).send(body);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'CONFLICT', detail: expect.stringMatching(/your own/) });
      expect(await row(admin.id)).toMatchObject({ role: Role.Admin, isActive: true, isSuspended: false });
      await me(admin.auth).expect(200);
    });

    it('an admin can still edit their own profile and reset their own sessions', async () => {
      await t.http
        .put(`/auth/admin/users/${admin.id}`)
        .set(admin.auth)
        .send({ full_name: 'The Admin', role: 'admin', is_active: true })
        .expect(200);
    });
  });

  describe('POST /auth/admin/users/bulk', () => {
    it('applies an action to the valid ids only and reports each id', async () => {
      const a = await createUser(t);
      const b = await createUser(t);
      const unknown = randomUUID();
      const res = await t.http
        .post('/auth/admin/users/bulk')
        .set(admin.auth)
        .send({ action: 'suspend', user_ids: [a.id, unknown, admin.id.toUpperCase(), b.id], reason: 'Bulk cleanup' })
        .expect(200);
      expect(res.body).toEqual({
        action: 'suspend',
        succeeded: 2,
        failed: 2,
        results: [
          { user_id: a.id, success: true },
          { user_id: unknown, success: false, error: { code: 'NOT_FOUND', detail: 'User not found' } },
          {
            user_id: admin.id,
            success: false,
            error: { code: 'CONFLICT', detail: 'You cannot suspend your own account' },
          },
          { user_id: b.id, success: true },
        ],
      });
      expect(await row(a.id)).toMatchObject({ isSuspended: true, suspendedReason: 'Bulk cleanup' });
      expect(await row(b.id)).toMatchObject({ isSuspended: true });
      expect(await row(admin.id)).toMatchObject({ isSuspended: false });
      expect((await me(key(a)).expect(403)).body.detail).toBe('Account suspended');
      await me(admin.auth).expect(200);
      const summary = events.filter((e) => e.type === SecurityEventType.AdminBulkAction).pop();
      expect(summary).toMatchObject({ actorId: admin.id, details: { action: 'suspend', succeeded: 2, failed: 2 } });
      expect(eventsOf(SecurityEventType.AdminUserSuspended, a.id)).toHaveLength(1);
    });

    it('runs every action', async () => {
      const a = await createUser(t);
      const b = await createUser(t);
      const bulk = (action: string, extra: object = {}) =>
        t.http
          .post('/auth/admin/users/bulk')
          .set(key(admin))
          .send({ action, user_ids: [a.id, b.id], ...extra })
          .expect(200)
          .expect((r) => expect(r.body.succeeded).toBe(2));

      await bulk('deactivate');
      expect((await me(key(a)).expect(403)).body.detail).toBe('Inactive user');
      expect((await me(a.auth).expect(403)).body.detail).toBe('Inactive user');
      await bulk('activate');
      await me(key(a)).expect(200);
      await me(a.auth).expect(401);
      await bulk('verify');
      expect(await row(b.id)).toMatchObject({ isVerified: true });
      for (const u of [a, b])
        for (let i = 0; i < t.config.lockout.maxAttempts; i++) await login(u.username, 'not the password');
      await login(b.username, b.password).expect(423);
      await bulk('unlock');
      const signedIn = await login(b.username, b.password).expect(200);
      await bulk('suspend', { reason: 'r' });
      await bulk('unsuspend');
      await me(key(b)).expect(200);
      const fresh = await login(a.username, a.password).expect(200);
      await bulk('revoke_sessions');
      await me({ Authorization: `Bearer ${fresh.body.tokens.access_token}` }).expect(401);
      await me({ Authorization: `Bearer ${signedIn.body.tokens.access_token}` }).expect(401);
      await bulk('delete');
      expect(await row(a.id)).toBeNull();
      expect(await row(b.id)).toBeNull();
      const again = await t.http
        .post('/auth/admin/users/bulk')
        .set(admin.auth)
        .send({ action: 'delete', user_ids: [a.id] })
        .expect(200);
      expect(again.body).toMatchObject({
        succeeded: 0,
        failed: 1,
        results: [{ user_id: a.id, success: false, error: { code: 'NOT_FOUND' } }],
      });
    });

    it.each([
      ['suspend with an empty reason', { action: 'suspend', user_ids: [randomUUID()], reason: ' ' }],
      ['an unknown action', { action: 'explode', user_ids: [randomUUID()] }],
      ['no ids', { action: 'verify', user_ids: [] }],
      ['ids not an array', { action: 'verify', user_ids: 'x' }],
      ['a malformed id', { action: 'verify', user_ids: ['not-a-uuid'] }],
      ['101 ids', { action: 'verify', user_ids: Array.from({ length: 101 }, () => randomUUID()) }],
      [
        'a repeated id (any case)',
        {
          action: 'verify',
          user_ids: ['6f1c2c1e-1b7a-4c55-9a55-1f5c1c1e1b7a', '6F1C2C1E-1B7A-4C55-9A55-1F5C1C1E1B7A'],
        },
      ],
      ['missing ids', { action: 'verify' }],
      ['an unknown field', { action: 'verify', user_ids: [randomUUID()], extra: 1 }],
    ])('422 for %s', async (_, body) => {
      await t.http.post('/auth/admin/users/bulk').set(admin.auth).send(body).expect(422);
    });

    it('accepts 100 ids', async () => {
      const res = await t.http
        .post('/auth/admin/users/bulk')
        .set(admin.auth)
        .send({ action: 'verify', user_ids: Array.from({ length: 100 }, () => randomUUID()) })
        .expect(200);
      expect(res.body).toMatchObject({ succeeded: 0, failed: 100 });
    });
  });

  describe('GET /auth/admin/stats', () => {
    it('counts users, sign-ins per UTC day, jobs and live sessions', async () => {
      const u = await createUser(t);
      await login(u.username, u.password).expect(200);
      await login(u.username, 'wrong password!!').expect(401);
      await t.dataSource
        .getRepository(TranscriptionJob)
        .insert({ jobId: randomUUID(), userId: u.id, filename: 'f.wav', status: JobStatus.Failed });

      const s = (await t.http.get('/auth/admin/stats').set(admin.auth).expect(200)).body;
      const total = (q: Record<string, string>) =>
        t.http
          .get('/auth/admin/users')
          .query({ ...q, per_page: 1 })
          .set(admin.auth)
          .then((r) => r.body.total as number);
      expect(s.users.total).toBe(await total({}));
      for (const status of ['active', 'inactive', 'suspended', 'locked', 'unverified'])
        expect([status, s.users.by_status[status]]).toEqual([status, await total({ status })]);
      expect(s.users.by_role.admin + s.users.by_role.user).toBe(s.users.total);
      expect(s.users.by_role.admin).toBe(await total({ role: 'admin' }));

      expect(s.logins.per_day).toHaveLength(30);
      const today = t.clock.date().toISOString().slice(0, 10);
      expect(s.logins.per_day[29].date).toBe(today);
      for (const d of s.logins.per_day)
        expect(d).toEqual({
          date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          success: expect.any(Number),
          failure: expect.any(Number),
        });
      expect(s.logins.per_day[29].success).toBeGreaterThanOrEqual(1);
      expect(s.logins.per_day[29].failure).toBeGreaterThanOrEqual(1);
      expect(s.logins.last_24h.success).toBeGreaterThanOrEqual(1);
      expect(s.logins.last_24h.failure).toBeGreaterThanOrEqual(1);

      const jobs = t.dataSource.getRepository(TranscriptionJob);
      for (const status of Object.values(JobStatus))
        expect(s.jobs.by_status[status]).toBe(await jobs.countBy({ status }));
      expect(s.sessions.active).toBeGreaterThanOrEqual(2);

      // A day later the figures move with the clock (the API key outlives the access token).
      t.clock.advance(86_400_000);
      const next = (await t.http.get('/auth/admin/stats').set(key(admin)).expect(200)).body;
      expect(next.logins.per_day[28]).toEqual(s.logins.per_day[29]);
      expect(next.logins.last_24h).toEqual({ success: 0, failure: 0 });
    });
  });
});

describe('admin API: the last active admin', () => {
  let t: TestApp;
  let a: TestUser;
  let b: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    a = await createAdmin(t);
    b = await createAdmin(t);
  });
  afterAll(() => t.close());

  const activeAdmins = () =>
    t.dataSource.getRepository(User).countBy({ role: Role.Admin, isActive: true, isSuspended: false });
  const restore = async () => {
    await t.dataSource
      .getRepository(User)
      .update(
        { id: In([a.id, b.id]) },
        { role: Role.Admin, isActive: true, isSuspended: false, suspendedReason: null },
      );
    for (const u of [a, b]) await t.get(PrincipalCache).invalidateUser(u.id);
  };

  it.each([
    [
      'suspend',
      (s: AdminUsersService, actor: string, id: string) => s.suspend({ id: actor, meta: {} }, id, 'x'),
      /Cannot suspend the last active admin/,
    ],
    [
      'demote',
      (s: AdminUsersService, actor: string, id: string) => s.update({ id: actor, meta: {} }, id, { role: Role.User }),
      /Cannot demote the last active admin/,
    ],
    [
      'deactivate',
      (s: AdminUsersService, actor: string, id: string) => s.update({ id: actor, meta: {} }, id, { is_active: false }),
      /Cannot deactivate the last active admin/,
    ],
    [
      'delete',
      (s: AdminUsersService, actor: string, id: string) => s.remove({ id: actor, meta: {} }, id),
      /Cannot delete the last active admin/,
    ],
  ])('refuses to %s the last active admin (409), whoever asks', async (_, act, detail) => {
    // The other admin is already gone (e.g. on another instance, a moment ago): b is the last one.
    await t.dataSource.getRepository(User).update({ id: a.id }, { isSuspended: true });
    const sut = t.get(AdminUsersService);
    await expect(act(sut, a.id, b.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      detail: expect.stringMatching(detail),
    });
    expect(await t.dataSource.getRepository(User).findOneBy({ id: b.id })).toMatchObject({
      role: Role.Admin,
      isActive: true,
      isSuspended: false,
    });
    await restore();
  });

  it('a suspended or inactive admin is no active admin: the other can still be demoted while one active admin remains', async () => {
    const c = await createAdmin(t);
    await t.dataSource.getRepository(User).update({ id: c.id }, { isActive: false });
    await t.http.put(`/auth/admin/users/${c.id}`).set(a.auth).send({ role: 'user' }).expect(200);
    await t.http.delete(`/auth/admin/users/${c.id}`).set(a.auth).expect(204);
    expect(await activeAdmins()).toBe(2);
  });

  it.each([
    ['demote', 'put', '', { role: 'user' }],
    ['suspend', 'post', '/suspend', { reason: 'race' }],
    ['deactivate', 'put', '', { is_active: false }],
    ['delete', 'delete', '', undefined],
  ] as const)(
    'two admins who %s each other at the same moment: at most one succeeds, one active admin remains',
    async (_, method, suffix, body) => {
      for (let round = 0; round < 4; round++) {
        const [x, y] = await Promise.all([
          t.http[method](`/auth/admin/users/${b.id}${suffix}`).set({ 'X-API-Key': a.apiKey }).send(body),
          t.http[method](`/auth/admin/users/${a.id}${suffix}`).set({ 'X-API-Key': b.apiKey }).send(body),
        ]);
        const statuses = [x.status, y.status];
        // The first write wins; the second is refused by the guard (403: no longer an admin / suspended /
        // deleted → 401) or, when it got past the guard first, by the last-admin check (409).
        expect(statuses.filter((s) => s < 300)).toHaveLength(1);
        for (const s of statuses) expect([200, 204, 401, 403, 409]).toContain(s);
        expect(await activeAdmins()).toBe(1);
        if (method === 'delete') {
          // Recreate whichever admin was deleted, with the same credentials.
          const repo = t.dataSource.getRepository(User);
          if (!(await repo.findOneBy({ id: a.id }))) a = await createAdmin(t);
          if (!(await repo.findOneBy({ id: b.id }))) b = await createAdmin(t);
        }
        await restore();
        expect(await activeAdmins()).toBe(2);
      }
    },
  );
});
