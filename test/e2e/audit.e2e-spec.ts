import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SECURITY_EVENT, SecurityEventType } from '../../src/audit/audit.events';
import { AuditQueryService } from '../../src/audit/audit-query.service';
import { pruneAudit } from '../../src/audit/audit-retention';
import { LoginHistory } from '../../src/audit/entities/login-history.entity';
import { SecurityEvent } from '../../src/audit/entities/security-event.entity';
import { SecurityEventWriter } from '../../src/audit/security-event-writer.service';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';

type Ev = {
  id: string;
  type: string;
  severity: string;
  user_id: string | null;
  actor_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown> | null;
  created_at: string;
};
type Row = {
  id: string;
  login_at: string;
  logout_at: string | null;
  login_method: string;
  success: boolean;
  failure_reason: string | null;
  ip_address: string | null;
  user_agent: string | null;
  session_id: string | null;
  suspicious: boolean;
};

const UA = 'audit-e2e/1.0 (jest)';
let seq = 0;
/**
 * Headers that make a request recognisable in the trail: its own request id, a user agent and (TRUST_PROXY on) a client
 * IP.
 */
function from(ip = '198.51.100.7') {
  const requestId = `audit-${process.pid}-${++seq}-${randomUUID().slice(0, 8)}`;
  return { requestId, ip, headers: { 'User-Agent': UA, 'X-Request-Id': requestId, 'X-Forwarded-For': ip } };
}

describe('audit trail: security events, login history, suspicious logins', () => {
  let t: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: 'true' } });
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  const ownEvents = async (
    u: { auth: Record<string, string> },
    query: Record<string, string | number> = {},
  ): Promise<Ev[]> =>
    (
      await t.http
        .get('/auth/security-events')
        .query({ per_page: 100, ...query })
        .set(u.auth)
        .expect(200)
    ).body.items;
  const adminEvents = async (query: Record<string, string | number> = {}): Promise<Ev[]> =>
    (
      await t.http
        .get('/auth/admin/security-events')
        .query({ per_page: 100, ...query })
        .set(admin.auth)
        .expect(200)
    ).body.events;
  const history = async (u: { auth: Record<string, string> }): Promise<Row[]> =>
    (await t.http.get('/auth/login-history').query({ per_page: 100 }).set(u.auth).expect(200)).body.items;
  /** The one event of this type caused by this request, carrying the request's ip, user agent and id. */
  const caused = (events: Ev[], type: string, req: ReturnType<typeof from>): Ev => {
    const found = events.filter((e) => e.type === type && e.request_id === req.requestId);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ ip_address: req.ip, user_agent: UA, request_id: req.requestId });
    return found[0];
  };
  const login = (u: TestUser, password: string, req = from()) =>
    t.http.post('/auth/login').set(req.headers).send({ username: u.username, password });

  describe('each action leaves its event, with ip, user agent and request id', () => {
    it('registration → user_registered', async () => {
      const req = from();
      const res = await t.http
        .post('/auth/register')
        .set(req.headers)
        .send({ email: `reg${seq}@example.com`, username: `reg_${seq}_${process.pid}`, password: 'Correct-Horse-42' })
        .expect(201);
      const ev = caused(await ownEvents({ auth: { 'X-API-Key': res.body.api_key } }), 'user_registered', req);
      expect(ev).toMatchObject({ severity: 'info', user_id: res.body.id, actor_id: res.body.id });
      expect(JSON.stringify(ev)).not.toContain(res.body.api_key);
      expect(JSON.stringify(ev)).not.toContain('Correct-Horse-42');
    });

    it('POST /auth/login success → login_succeeded and a history row with the session', async () => {
      const u = await createUser(t);
      const req = from();
      const res = await login(u, u.password, req).expect(200);
      const ev = caused(await ownEvents(u), 'login_succeeded', req);
      expect(ev).toMatchObject({
        severity: 'info',
        user_id: u.id,
        details: expect.objectContaining({ session_id: res.body.session_id }),
      });
      const row = (await history(u)).find((r) => r.session_id === res.body.session_id);
      expect(row).toMatchObject({
        success: true,
        login_method: 'password',
        failure_reason: null,
        ip_address: req.ip,
        user_agent: UA,
        suspicious: false,
        logout_at: null,
      });
    });

    it('POST /auth/login failure → login_failed (bad_password) and a failed history row', async () => {
      const u = await createUser(t);
      const req = from();
      await login(u, 'wrong-password', req).expect(401);
      const ev = caused(await ownEvents(u), 'login_failed', req);
      expect(ev).toMatchObject({
        severity: 'info',
        user_id: u.id,
        details: { username_attempted: u.username, reason: 'bad_password', method: 'password' },
      });
      expect(JSON.stringify(ev)).not.toContain('wrong-password');
      expect((await history(u))[0]).toMatchObject({
        success: false,
        failure_reason: 'bad_password',
        login_method: 'password',
        ip_address: req.ip,
        user_agent: UA,
        session_id: null,
        suspicious: false,
      });
    });

    it('POST /auth/token success and failure → login_succeeded / login_failed with method oauth2_password', async () => {
      const u = await createUser(t);
      const ok = from();
      await t.http
        .post('/auth/token')
        .set(ok.headers)
        .type('form')
        .send({ grant_type: 'password', username: u.email, password: u.password })
        .expect(200);
      const bad = from();
      await t.http
        .post('/auth/token')
        .set(bad.headers)
        .type('form')
        .send({ username: u.email, password: 'nope-nope' })
        .expect(401);
      const events = await ownEvents(u);
      expect(caused(events, 'login_succeeded', ok).details).toMatchObject({ method: 'oauth2_password' });
      expect(caused(events, 'login_failed', bad).details).toMatchObject({
        method: 'oauth2_password',
        reason: 'bad_password',
        username_attempted: u.email,
      });
      const rows = await history(u);
      expect(rows.slice(0, 2).map((r) => [r.login_method, r.success])).toEqual([
        ['oauth2_password', false],
        ['oauth2_password', true],
      ]);
    });

    it('an unknown username → login_failed without a user, seen by admins', async () => {
      const req = from();
      const name = `ghost_${randomUUID().slice(0, 8)}`;
      await t.http.post('/auth/login').set(req.headers).send({ username: name, password: 'whatever-123' }).expect(401);
      const ev = caused(await adminEvents({ type: 'login_failed' }), 'login_failed', req);
      expect(ev).toMatchObject({
        user_id: null,
        actor_id: null,
        details: { username_attempted: name, reason: 'unknown_user', method: 'password' },
      });
    });

    it('5 wrong passwords → account_locked (warning); the next attempt is logged as account_locked', async () => {
      const u = await createUser(t);
      const reqs = Array.from({ length: 5 }, () => from());
      for (const [i, req] of reqs.entries()) await login(u, 'wrong-password', req).expect(i < 4 ? 401 : 423);
      const locked = from();
      await login(u, u.password, locked).expect(423);
      const events = await ownEvents(u);
      expect(caused(events, 'account_locked', reqs[4])).toMatchObject({ severity: 'warning', user_id: u.id });
      expect(caused(events, 'login_failed', locked).details).toMatchObject({ reason: 'account_locked' });
      expect(events.filter((e) => e.type === 'login_failed')).toHaveLength(6);
      expect((await history(u))[0]).toMatchObject({ success: false, failure_reason: 'account_locked' });
    });

    it('logout → logout, and the history row gets logout_at', async () => {
      const u = await createUser(t);
      const res = await login(u, u.password).expect(200);
      const auth = { Authorization: `Bearer ${res.body.tokens.access_token}` };
      const req = from();
      await t.http.post('/auth/logout').set(req.headers).set(auth).send({}).expect(204);
      expect(caused(await ownEvents(u), 'logout', req)).toMatchObject({
        user_id: u.id,
        details: expect.objectContaining({ session_id: res.body.session_id }),
      });
      const row = (await history(u)).find((r) => r.session_id === res.body.session_id);
      expect(row?.logout_at).toEqual(expect.any(String));
    });

    it('refresh-token reuse → refresh_token_reuse (critical); the next login is suspicious, the one after is not', async () => {
      const u = await createUser(t);
      const first = await login(u, u.password).expect(200);
      const old = first.body.tokens.refresh_token;
      await t.http.post('/auth/refresh').send({ refresh_token: old }).expect(200);
      t.clock.advance(11_000); // past the 10 s grace
      const req = from();
      await t.http.post('/auth/refresh').set(req.headers).send({ refresh_token: old }).expect(401);
      expect(caused(await ownEvents(u), 'refresh_token_reuse', req)).toMatchObject({
        severity: 'critical',
        user_id: u.id,
        details: { session_id: first.body.session_id },
      });

      const next = from();
      const again = await login(u, u.password, next).expect(200);
      const suspicious = caused(await ownEvents(u), 'suspicious_login', next);
      expect(suspicious).toMatchObject({
        severity: 'warning',
        user_id: u.id,
        details: { reasons: ['after_refresh_token_reuse'], session_id: again.body.session_id, method: 'password' },
      });
      expect((await history(u)).find((r) => r.session_id === again.body.session_id)?.suspicious).toBe(true);

      const later = await login(u, u.password).expect(200);
      expect((await history(u)).find((r) => r.session_id === later.body.session_id)?.suspicious).toBe(false);
      expect((await ownEvents(u, { type: 'suspicious_login' })).length).toBe(1);
    });

    it('password change → password_changed, without the passwords', async () => {
      const u = await createUser(t);
      const req = from();
      await t.http
        .post('/auth/change-password')
        .set(req.headers)
        .set(u.auth)
        .send({ current_password: u.password, new_password: 'Brand-New-Secret-77' })
        .expect(204);
      const ev = caused(await ownEvents(u), 'password_changed', req);
      expect(JSON.stringify(ev)).not.toContain('Brand-New-Secret-77');
      expect(JSON.stringify(ev)).not.toContain(u.password);
    });

    it('API key regeneration → api_key_regenerated with the prefix only', async () => {
      const u = await createUser(t);
      const req = from();
      const res = await t.http.post('/auth/regenerate-api-key').set(req.headers).set(u.auth).expect(200);
      const ev = caused(await ownEvents(u), 'api_key_regenerated', req);
      expect(ev.details).toEqual({ api_key_prefix: res.body.api_key_prefix });
      expect(JSON.stringify(ev)).not.toContain(res.body.api_key);
    });

    it('DELETE /auth/sessions/{id} → session_revoked', async () => {
      const u = await createUser(t);
      const other = await login(u, u.password).expect(200);
      const req = from();
      await t.http.delete(`/auth/sessions/${other.body.session_id}`).set(req.headers).set(u.auth).expect(204);
      expect(caused(await ownEvents(u), 'session_revoked', req)).toMatchObject({
        user_id: u.id,
        actor_id: u.id,
        details: expect.objectContaining({ session_id: other.body.session_id }),
      });
    });

    it('service key create / reveal / delete → service_key_created / _revealed / _deleted, never the key', async () => {
      const u = await createUser(t);
      const secret = `sk-audit-${randomUUID()}`;
      const create = from();
      const key = (
        await t.http
          .post('/api-keys/')
          .set(create.headers)
          .set(u.auth)
          .send({ service: 'openai', key: secret })
          .expect(201)
      ).body;
      const reveal = from();
      await t.http.post(`/api-keys/${key.id}/reveal`).set(reveal.headers).set(u.auth).expect(200);
      const del = from();
      await t.http.delete(`/api-keys/${key.id}`).set(del.headers).set(u.auth).expect(204);
      const events = await ownEvents(u);
      for (const [type, req] of [
        ['service_key_created', create],
        ['service_key_revealed', reveal],
        ['service_key_deleted', del],
      ] as const)
        expect(caused(events, type, req).details).toMatchObject({ service_key_id: key.id, service: 'openai' });
      expect(JSON.stringify(events)).not.toContain(secret);
    });

    it('admin actions → admin_user_suspended / admin_user_unsuspended with the admin as actor', async () => {
      const u = await createUser(t);
      const suspend = from();
      await t.http
        .post(`/auth/admin/users/${u.id}/suspend`)
        .set(suspend.headers)
        .set(admin.auth)
        .send({ reason: 'audit test' })
        .expect((r) => expect(r.status).toBeLessThan(300));
      const unsuspend = from();
      await t.http
        .post(`/auth/admin/users/${u.id}/unsuspend`)
        .set(unsuspend.headers)
        .set(admin.auth)
        .send({})
        .expect((r) => expect(r.status).toBeLessThan(300));
      const events = await adminEvents({ user_id: u.id });
      expect(caused(events, 'admin_user_suspended', suspend)).toMatchObject({
        user_id: u.id,
        actor_id: admin.id,
        severity: 'warning',
        details: expect.objectContaining({ reason: 'audit test' }),
      });
      expect(caused(events, 'admin_user_unsuspended', unsuspend)).toMatchObject({ user_id: u.id, actor_id: admin.id });
    });
  });

  describe('suspicious-login flagging (CONTRACT §8)', () => {
    it('3 failures, then a success from an IP never used before → suspicious row and suspicious_login (warning)', async () => {
      const u = await createUser(t); // its first login came from 127.0.0.1
      for (let i = 0; i < 3; i++) await login(u, 'wrong-password', from('203.0.113.50')).expect(401);
      const req = from('203.0.113.50');
      const res = await login(u, u.password, req).expect(200);
      const row = (await history(u)).find((r) => r.session_id === res.body.session_id);
      expect(row).toMatchObject({ success: true, suspicious: true, ip_address: '203.0.113.50' });
      expect(caused(await ownEvents(u), 'suspicious_login', req)).toMatchObject({
        severity: 'warning',
        details: { reasons: ['new_ip_after_failures'], session_id: res.body.session_id, method: 'password' },
      });
      // The same IP is known from now on.
      const again = await login(u, u.password, from('203.0.113.50')).expect(200);
      expect((await history(u)).find((r) => r.session_id === again.body.session_id)?.suspicious).toBe(false);
    });

    it('an ordinary login from a known IP is not suspicious, even after 3 failures', async () => {
      const u = await createUser(t);
      await login(u, u.password, from('198.51.100.20')).expect(200);
      for (let i = 0; i < 3; i++) await login(u, 'wrong-password', from('203.0.113.60')).expect(401);
      const res = await login(u, u.password, from('198.51.100.20')).expect(200);
      expect((await history(u)).find((r) => r.session_id === res.body.session_id)?.suspicious).toBe(false);
      expect(await ownEvents(u, { type: 'suspicious_login' })).toEqual([]);
    });

    it('a new IP without recent failures is not suspicious (the one-hour window itself is unit-tested)', async () => {
      const u = await createUser(t);
      for (let i = 0; i < 2; i++) await login(u, 'wrong-password', from('203.0.113.71')).expect(401);
      const fresh = await login(u, u.password, from('203.0.113.70')).expect(200);
      expect((await history(u)).find((r) => r.session_id === fresh.body.session_id)?.suspicious).toBe(false);
    });
  });

  describe('GET /auth/login-history', () => {
    it('401 without credentials', async () => {
      const res = await t.http.get('/auth/login-history').expect(401);
      expect(res.body.code).toBe('NOT_AUTHENTICATED');
    });

    it('lists only your own attempts, newest first, with the contract fields and nothing else', async () => {
      const u = await createUser(t);
      const other = await createUser(t);
      await login(other, 'wrong-password').expect(401);
      await login(u, 'wrong-password').expect(401);
      await login(u, u.password).expect(200);
      const res = await t.http.get('/api/auth/login-history/').set(u.auth).expect(200);
      expect(res.body).toMatchObject({ total: 3, page: 1, per_page: 20, pages: 1 });
      expect(res.body.items.map((r: Row) => r.success)).toEqual([true, false, true]);
      expect(Object.keys(res.body.items[0]).sort()).toEqual([
        'failure_reason',
        'id',
        'ip_address',
        'login_at',
        'login_method',
        'logout_at',
        'second_factor',
        'session_id',
        'success',
        'suspicious',
        'user_agent',
      ]);
      const times = res.body.items.map((r: Row) => Date.parse(r.login_at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(res.body.items[0].login_at).toMatch(/Z$/);
    });

    it('paginates: page, per_page and pages; a page past the end is empty', async () => {
      const u = await createUser(t);
      for (let i = 0; i < 4; i++) await login(u, 'wrong-password').expect(401); // + the factory login = 5
      const p1 = (await t.http.get('/auth/login-history').query({ per_page: 2 }).set(u.auth).expect(200)).body;
      const p3 = (await t.http.get('/auth/login-history').query({ per_page: 2, page: 3 }).set(u.auth).expect(200)).body;
      const p4 = (await t.http.get('/auth/login-history').query({ per_page: 2, page: 4 }).set(u.auth).expect(200)).body;
      expect(p1).toMatchObject({ total: 5, page: 1, per_page: 2, pages: 3 });
      expect(p1.items).toHaveLength(2);
      expect(p3.items).toHaveLength(1);
      expect(p3.items[0].success).toBe(true); // the oldest: the factory's login
      expect(p4).toMatchObject({ items: [], total: 5, page: 4 });
      const all = (
        await t.http.get('/auth/login-history').query({ per_page: 100 }).set(u.auth).expect(200)
      ).body.items.map((r: Row) => r.id);
      expect(new Set(all).size).toBe(5);
    });

    it.each([
      ['per_page=101', { per_page: 101 }, 'per_page'],
      ['per_page=0', { per_page: 0 }, 'per_page'],
      ['page=0', { page: 0 }, 'page'],
      ['page=-1', { page: -1 }, 'page'],
      ['page=abc', { page: 'abc' }, 'page'],
      ['an unknown parameter', { color: 'red' }, 'color'],
    ])('%s → 422', async (_, query, field) => {
      const res = await t.http.get('/auth/login-history').query(query).set(admin.auth).expect(422);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('answers with ?api_key= authentication (the key is not taken for a filter)', async () => {
      const u = await createUser(t);
      const res = await t.http.get('/auth/login-history').query({ api_key: u.apiKey }).expect(200);
      expect(res.body.total).toBe(1);
    });
  });

  describe('GET /auth/security-events (own)', () => {
    it('401 without credentials', async () => {
      await t.http.get('/auth/security-events').expect(401);
    });

    it("shows only events about you — never another user's", async () => {
      const u = await createUser(t);
      const other = await createUser(t);
      await login(other, 'wrong-password').expect(401);
      await t.http.post('/auth/regenerate-api-key').set(other.auth).expect(200);
      const res = (await t.http.get('/auth/security-events').set(u.auth).expect(200)).body;
      expect(res.items.every((e: Ev) => e.user_id === u.id)).toBe(true);
      expect(res.events).toEqual(res.items); // alias for the admin list's key
      expect(Object.keys(res).sort()).toEqual(['events', 'items', 'page', 'pages', 'per_page', 'total']);
      expect(Object.keys(res.items[0]).sort()).toEqual([
        'actor_id',
        'created_at',
        'details',
        'id',
        'ip_address',
        'request_id',
        'severity',
        'type',
        'user_agent',
        'user_id',
      ]);
    });

    it("an admin's action shows in the user's own list without the admin's address, browser or request id", async () => {
      const u = await createUser(t);
      const req = from();
      await t.http
        .put(`/auth/admin/users/${u.id}`)
        .set({ ...admin.auth, ...req.headers })
        .send({ full_name: 'Renamed By Admin' })
        .expect(200);
      const own = (await t.http.get('/auth/security-events').set(u.auth).expect(200)).body;
      const seen = own.items.filter((e: Ev) => e.actor_id === admin.id);
      expect(seen.length).toBeGreaterThan(0);
      for (const e of [...seen, ...own.events.filter((x: Ev) => x.actor_id === admin.id)])
        expect(e).toMatchObject({ ip_address: null, user_agent: null, request_id: null });
      // Admins still see where it came from.
      const all = (await t.http.get('/auth/admin/security-events').query({ user_id: u.id }).set(admin.auth).expect(200))
        .body;
      caused(all.events, seen[0].type, req);
    });

    it('filters by type, severity and time; newest first; paginates', async () => {
      const u = await createUser(t);
      for (let i = 0; i < 3; i++) await login(u, 'wrong-password').expect(401);
      const mid = new Date(t.clock.now() + 1); // after the last failure even when it was stamped this millisecond
      t.clock.advance(1000);
      await t.http.post('/auth/regenerate-api-key').set(u.auth).expect(200);
      const failed = (await t.http.get('/auth/security-events').query({ type: 'login_failed' }).set(u.auth).expect(200))
        .body;
      expect(failed.total).toBe(3);
      expect(failed.items.every((e: Ev) => e.type === 'login_failed')).toBe(true);
      const since = (
        await t.http.get('/auth/security-events').query({ since: mid.toISOString() }).set(u.auth).expect(200)
      ).body;
      expect(since.items.map((e: Ev) => e.type)).toEqual(['api_key_regenerated']);
      const until = (
        await t.http
          .get('/auth/security-events')
          .query({ until: mid.toISOString(), type: 'api_key_regenerated' })
          .set(u.auth)
          .expect(200)
      ).body;
      expect(until.total).toBe(0);
      expect(
        (await t.http.get('/auth/security-events').query({ severity: 'warning' }).set(u.auth).expect(200)).body.total,
      ).toBe(0);
      const page = (await t.http.get('/auth/security-events').query({ per_page: 2, page: 2 }).set(u.auth).expect(200))
        .body;
      expect(page).toMatchObject({ page: 2, per_page: 2 });
      const all = (await t.http.get('/auth/security-events').set(u.auth).expect(200)).body.items;
      const times = all.map((e: Ev) => Date.parse(e.created_at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(all[0].type).toBe('api_key_regenerated');
    });

    it.each([
      ['an unknown type', { type: 'nope' }, 'type'],
      ['an unknown severity', { severity: 'loud' }, 'severity'],
      ['a malformed since', { since: 'yesterday' }, 'since'],
      ['a malformed until', { until: '2030-13-45' }, 'until'],
      ['since after until', { since: '2030-01-02T00:00:00Z', until: '2030-01-01T00:00:00Z' }, 'until'],
      ['per_page over 100', { per_page: 500 }, 'per_page'],
      ['user_id (admins only)', { user_id: randomUUID() }, 'user_id'],
    ])('%s → 422', async (_, query, field) => {
      const u = await createUser(t);
      const res = await t.http.get('/auth/security-events').query(query).set(u.auth).expect(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  describe('GET /auth/admin/security-events', () => {
    it('401 without credentials; 403 for a non-admin', async () => {
      await t.http.get('/auth/admin/security-events').expect(401);
      const u = await createUser(t);
      const res = await t.http.get('/auth/admin/security-events').set(u.auth).expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });

    it('lists everyone’s events under `events`, filtered by user_id, type and severity', async () => {
      const a = await createUser(t);
      const b = await createUser(t);
      await login(a, 'wrong-password').expect(401);
      await login(b, 'wrong-password').expect(401);
      const all = (await t.http.get('/api/auth/admin/security-events').set(admin.auth).expect(200)).body;
      expect(Object.keys(all).sort()).toEqual(['events', 'page', 'pages', 'per_page', 'total']);
      expect(all.total).toBeGreaterThan(2);
      const onlyA = await adminEvents({ user_id: a.id, type: 'login_failed' });
      expect(onlyA).toHaveLength(1);
      expect(onlyA[0].user_id).toBe(a.id);
      const critical = await adminEvents({ severity: 'critical' });
      expect(critical.every((e) => e.severity === 'critical')).toBe(true);
      expect(critical.length).toBeGreaterThanOrEqual(1); // the refresh-token reuse above
    });

    it.each([
      ['a malformed user_id', { user_id: 'not-a-uuid' }, 'user_id'],
      ['an unknown type', { type: 'admin_did_stuff' }, 'type'],
      ['page=0', { page: 0 }, 'page'],
      ['per_page=101', { per_page: 101 }, 'per_page'],
    ])('%s → 422', async (_, query, field) => {
      const res = await t.http.get('/auth/admin/security-events').query(query).set(admin.auth).expect(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  it('documents the three routes in OpenAPI, with their filters and without api_key as a filter', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body;
    const params = (path: string) =>
      (doc.paths[path]?.get?.parameters ?? []).map((p: { name: string }) => p.name).sort();
    expect(params('/auth/login-history')).toEqual(['page', 'per_page']);
    expect(params('/auth/security-events')).toEqual(['page', 'per_page', 'severity', 'since', 'type', 'until']);
    expect(params('/auth/admin/security-events')).toEqual([
      'page',
      'per_page',
      'severity',
      'since',
      'type',
      'until',
      'user_id',
    ]);
  });

  describe('AuditQueryService for the admin API', () => {
    it('loginsPerDay counts successes and failures per UTC day, zero-filled, oldest first', async () => {
      const repo = t.dataSource.getRepository(LoginHistory);
      const now = t.clock.now();
      const day = (n: number) => new Date(Math.floor(now / 86_400_000) * 86_400_000 - n * 86_400_000);
      const row = (at: Date, success: boolean) => ({
        id: randomUUID(),
        userId: null,
        loginAt: at,
        loginMethod: 'password',
        success,
        failureReason: success ? null : 'bad_password',
        suspicious: false,
      });
      await repo.insert([
        row(new Date(day(3).getTime() + 1000), true),
        row(new Date(day(3).getTime() + 86_399_000), false), // 23:59:59 the same day
        row(new Date(day(3).getTime() + 86_400_000 + 500), true), // 00:00:00.5 the next day (day 2)
        row(new Date(day(5).getTime() + 3_600_000), false),
        row(new Date(day(40).getTime()), true), // outside the window
        row(new Date(now), true), // today
      ]);
      const perDay = await t.get(AuditQueryService).loginsPerDay(7);
      expect(perDay).toHaveLength(7);
      expect(perDay.map((d) => d.date)).toEqual([6, 5, 4, 3, 2, 1, 0].map((n) => day(n).toISOString().slice(0, 10)));
      const at = (n: number) => perDay.find((d) => d.date === day(n).toISOString().slice(0, 10));
      expect(at(6)).toMatchObject({ success: 0, failure: 0 });
      expect(at(5)).toMatchObject({ success: 0, failure: 1 });
      expect(at(3)).toMatchObject({ success: 1, failure: 1 });
      expect(at(2)).toMatchObject({ success: 1, failure: 0 });
      expect(at(0)!.success).toBeGreaterThanOrEqual(1);
      const totals = await t.get(AuditQueryService).loginTotals(day(5));
      expect(totals.success).toBeGreaterThanOrEqual(2);
      expect(totals.failure).toBeGreaterThanOrEqual(2);
    });
  });

  describe('writing', () => {
    it('is buffered: an emitted event is in the table after flush(), with the clock time', async () => {
      const before = await t.dataSource.getRepository(SecurityEvent).count();
      const u = await createUser(t);
      t.get(EventEmitter2).emit(SECURITY_EVENT, {
        type: SecurityEventType.RateLimited,
        userId: u.id,
        details: { window: 'minute' },
      });
      await t.get(SecurityEventWriter).flush();
      const row = await t.dataSource
        .getRepository(SecurityEvent)
        .findOneByOrFail({ userId: u.id, type: 'rate_limited' });
      expect(row).toMatchObject({ severity: 'info', details: { window: 'minute' } });
      expect(Math.abs(new Date(row.createdAt).getTime() - t.clock.now())).toBeLessThan(5_000);
      expect(await t.dataSource.getRepository(SecurityEvent).count()).toBeGreaterThan(before);
    });

    it('flushes pending events when the app shuts down', async () => {
      const second = await createTestApp({ databaseUrl: t.databaseUrl });
      const id = randomUUID();
      second
        .get(EventEmitter2)
        .emit(SECURITY_EVENT, { type: SecurityEventType.RateLimited, userId: id, details: { instance: 2 } });
      expect(second.get(SecurityEventWriter).pending()).toHaveLength(1);
      await second.close();
      expect(await t.dataSource.getRepository(SecurityEvent).findOneBy({ userId: id })).toMatchObject({
        details: { instance: 2 },
      });
    });
  });

  describe('retention', () => {
    it('pruneAudit deletes only older rows of both tables, in batches, and returns the counts', async () => {
      const repoH = t.dataSource.getRepository(LoginHistory);
      const repoE = t.dataSource.getRepository(SecurityEvent);
      const old = new Date(t.clock.now() - 400 * 86_400_000);
      const cutoff = new Date(t.clock.now() - 365 * 86_400_000);
      await repoH.insert(
        Array.from({ length: 5 }, (_, i) => ({
          id: randomUUID(),
          userId: null,
          loginAt: new Date(old.getTime() + i),
          loginMethod: 'password',
          success: true,
          suspicious: false,
        })),
      );
      await repoE.insert(
        Array.from({ length: 3 }, (_, i) => ({
          id: randomUUID(),
          type: 'logout',
          severity: 'info' as const,
          createdAt: new Date(old.getTime() + i),
        })),
      );
      const [h, e] = [await repoH.count(), await repoE.count()];
      const progress: string[] = [];
      const res = await pruneAudit(t.dataSource, cutoff, {
        batchSize: 2,
        onProgress: (table, n) => progress.push(`${table}:${n}`),
      });
      expect(res).toEqual({ loginHistory: 5, securityEvents: 3 });
      expect(progress).toEqual([
        'login_history:2',
        'login_history:4',
        'login_history:5',
        'security_events:2',
        'security_events:3',
      ]);
      expect(await repoH.count()).toBe(h - 5);
      expect(await repoE.count()).toBe(e - 3);
      expect(await pruneAudit(t.dataSource, cutoff)).toEqual({ loginHistory: 0, securityEvents: 0 });
    });
  });
});

describe('audit log lines', () => {
  it('every security event goes to the structured log (context Audit), without secrets', async () => {
    const t = await createTestApp();
    const u = await createUser(t);
    await t.http.post('/auth/login').send({ username: u.username, password: 'Wrong-Secret-Pw-1' }).expect(401);
    const key = (await t.http.post('/auth/regenerate-api-key').set(u.auth).expect(200)).body.api_key as string;
    const secret = `sk-log-${randomUUID()}`;
    await t.http.post('/api-keys/').set(u.auth).send({ service: 'openai', key: secret }).expect(201);
    await t.http
      .post('/auth/change-password')
      .set(u.auth)
      .send({ current_password: u.password, new_password: 'Another-Secret-Pw-2' })
      .expect(204);
    const logFile = t.logFile;
    await t.close();
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const audit = lines.filter((l) => l.context === 'Audit' && l.msg === 'security event');
    expect(audit.map((l) => l.type)).toEqual(
      expect.arrayContaining([
        'login_succeeded',
        'login_failed',
        'api_key_regenerated',
        'service_key_created',
        'password_changed',
      ]),
    );
    expect(audit.find((l) => l.type === 'login_failed')).toMatchObject({
      level: 'info',
      user_id: u.id,
      details: { reason: 'bad_password' },
    });
    const text = readFileSync(logFile, 'utf8');
    for (const s of [u.password, 'Wrong-Secret-Pw-1', 'Another-Secret-Pw-2', key, u.apiKey, secret, u.refreshToken])
      expect(text).not.toContain(s);
  });
});
