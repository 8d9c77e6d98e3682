import { EventEmitter2 } from '@nestjs/event-emitter';
import { SecurityEventWriter } from '../../src/audit/security-event-writer.service';
import { randomInt } from 'node:crypto';
import { Response } from 'supertest';
import { QUOTA_THRESHOLD, QuotaService, QuotaThresholdPayload } from '../../src/gate/quota.service';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher';
import { UsageBuffer } from '../../src/auth/credential/usage-buffer';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';

const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const IDENTITY = ['x-user-id', 'x-user-name', 'x-user-email', 'x-user-role', 'x-auth-via', 'x-key-id', 'x-scopes'];
const noIdentity = (res: Response) => {
  for (const h of IDENTITY) expect(res.headers[h]).toBeUndefined();
};
const USER_SCOPES =
  'profile:read profile:write jobs:read jobs:write service_keys:read service_keys:write transcribe translate tts';

describe('the gate: GET /auth/verify', () => {
  let t: TestApp;
  let admin: TestUser;
  const thresholds: QuotaThresholdPayload[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_USER_PER_MINUTE: '1000',
        RATE_LIMIT_USER_PER_HOUR: '100000',
        RATE_LIMIT_USER_PER_DAY: '100000',
        RATE_LIMIT_ANON_PER_MINUTE: '1000',
        TRUST_PROXY: 'true',
        GATE_ROUTES: '/transcribe=transcriptions,/translate=translations,/tts=tts,/v1/speak=tts',
      },
    });
    admin = await createAdmin(t);
    t.get(EventEmitter2).on(QUOTA_THRESHOLD, (p: QuotaThresholdPayload) => thresholds.push(p));
  });
  afterAll(() => t.close());

  /** What nginx sends: the original request in X-Original-*, the client's headers as they came. */
  const nginx = (uri: string, headers: Record<string, string> = {}, method = 'GET') =>
    t.http
      .get('/auth/verify')
      .set({ 'X-Original-URI': uri, 'X-Original-Method': method, 'X-Forwarded-For': freshIp(), ...headers });
  /** What Caddy and Traefik send. */
  const caddy = (uri: string, headers: Record<string, string> = {}, method = 'POST') =>
    t.http
      .get('/auth/verify')
      .set({ 'X-Forwarded-Uri': uri, 'X-Forwarded-Method': method, 'X-Forwarded-For': freshIp(), ...headers });
  const setQuota = (u: TestUser, quota: unknown) =>
    t.http.put(`/auth/admin/users/${u.id}`).set(admin.auth).send({ quota });
  const flush = async () => {
    await t.get(QuotaService).flush();
    await t.get(UsageBuffer).flush();
  };
  const me = async (u: TestUser) => (await t.http.get('/auth/me').set(u.auth).expect(200)).body;

  it('an API key (nginx spelling): 200 with the identity headers and body', async () => {
    const u = await createUser(t);
    const res = await nginx('/translate?lang=de', { 'X-API-Key': u.apiKey }).expect(200);
    expect(res.headers).toMatchObject({
      'x-user-id': u.id,
      'x-user-name': u.username,
      'x-user-email': u.email,
      'x-user-role': 'user',
      'x-auth-via': 'api_key',
      'x-scopes': USER_SCOPES,
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': '999',
      'cache-control': 'no-store',
    });
    expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    expect(res.headers['x-quota-remaining']).toBeUndefined(); // no quota on translations
    expect(res.body).toEqual({
      user_id: u.id,
      username: u.username,
      role: 'user',
      via: 'api_key',
      key_id: expect.stringMatching(/^[0-9a-f-]{36}$/), // the user's `default` key
      scopes: USER_SCOPES.split(' '),
    });
  });

  it('a JWT (Caddy/Traefik spelling), any method of the verify call, HEAD too, and under /api', async () => {
    const u = await createUser(t);
    const res = await caddy('/transcribe', u.auth).expect(200);
    expect(res.headers['x-auth-via']).toBe('jwt');
    expect(res.headers['x-user-id']).toBe(u.id);
    for (const method of ['post', 'put', 'delete', 'patch'] as const)
      await t.http[method]('/auth/verify')
        .set({ 'X-Forwarded-Uri': '/tts', ...u.auth })
        .expect(200);
    const head = await t.http
      .head('/auth/verify')
      .set({ 'X-Forwarded-Uri': '/tts', ...u.auth })
      .expect(200);
    expect(head.headers['x-user-id']).toBe(u.id);
    await t.http
      .get('/api/auth/verify')
      .set({ 'X-Forwarded-Uri': '/tts', ...u.auth })
      .expect(200);
    const admins = await caddy('/x', admin.auth).expect(200);
    expect(admins.headers['x-scopes']).toBe(`${USER_SCOPES} admin introspect`);
    expect(admins.headers['x-user-role']).toBe('admin');
  });

  it('the key in the original URI query, Authorization: Bearer tk_…', async () => {
    const u = await createUser(t);
    const q = await nginx(`/tts?voice=a&api_key=${u.apiKey}`).expect(200);
    expect(q.headers['x-user-id']).toBe(u.id);
    const b = await caddy('/tts', { Authorization: `Bearer ${u.apiKey}` }).expect(200);
    expect(b.headers['x-auth-via']).toBe('api_key');
  });

  it('refusals: 401 without or with a bad credential, 403 suspended or inactive, never identity headers', async () => {
    const none = await nginx('/transcribe').expect(401);
    expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.body).toMatchObject({ status: 401, code: 'NOT_AUTHENTICATED' });
    expect(none.headers['x-ratelimit-limit']).toBe('1000'); // the anonymous IP's budget
    noIdentity(none);
    const badKey = await nginx('/transcribe', { 'X-API-Key': 'tk_' + 'a'.repeat(43) }).expect(401);
    expect(badKey.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    noIdentity(badKey);
    await nginx('/transcribe', { Authorization: 'Bearer not.a.jwt' }).expect(401);
    const u = await createUser(t);
    await t.http.post(`/auth/admin/users/${u.id}/suspend`).set(admin.auth).send({ reason: 'abuse' }).expect(200);
    const suspended = await nginx('/transcribe', { 'X-API-Key': u.apiKey }).expect(403);
    expect(suspended.body).toMatchObject({ code: 'ACCOUNT_SUSPENDED', detail: 'Account suspended' });
    noIdentity(suspended);
    const v = await createUser(t);
    await t.http.put(`/auth/admin/users/${v.id}`).set(admin.auth).send({ is_active: false }).expect(200);
    const inactive = await caddy('/tts', { 'X-API-Key': v.apiKey }).expect(403);
    expect(inactive.body.detail).toBe('Inactive user');
    // A malformed original URI is the gateway's mistake: 400, not a guess.
    await nginx('/%E0%A4%A', { 'X-API-Key': v.apiKey }).expect(400);
  });

  it("served outside Nest's pipeline: an allowed answer is for the proxy, refusals and errors carry the API's headers", async () => {
    const u = await createUser(t);
    const ok = await nginx('/translate', { 'X-API-Key': u.apiKey, 'X-Request-Id': 'gate-req-1' }).expect(200);
    expect(ok.headers['x-request-id']).toBe('gate-req-1');
    expect(ok.headers['cache-control']).toBe('no-store');
    // The browser headers mean nothing to nginx or Caddy, which copy the identity headers onward and drop the rest.
    for (const h of ['content-security-policy', 'x-frame-options', 'strict-transport-security'])
      expect(ok.headers[h]).toBeUndefined();
    const refused = await nginx('/translate').expect(401);
    expect(refused.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
    });
    expect(refused.headers['content-security-policy']).toContain("default-src 'none'");
    expect(refused.headers['x-request-id']).toBeDefined();
    // What Fastify refuses before the decision (a body the gate never reads, malformed) is problem+json too.
    const malformed = await t.http
      .post('/auth/verify')
      .set({ 'content-type': 'application/json', 'X-API-Key': u.apiKey })
      .send('{"a":')
      .expect(400);
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(malformed.headers['x-content-type-options']).toBe('nosniff');
    expect(malformed.body).toMatchObject({ status: 400, code: 'MALFORMED_BODY', instance: '/auth/verify' });
    const xml = await t.http.put('/api/auth/verify').set('content-type', 'application/xml').send('<a/>').expect(415);
    expect(xml.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('route classes at segment boundaries: each request counts once in its kind and in total_requests', async () => {
    const u = await createUser(t);
    const before = await me(u); // counts one API request itself
    const uris = [
      '/tts',
      '/tts/voices/x',
      '/ttsx',
      '/v1/speak',
      '/transcribe?x=1',
      '/tts/../transcribe',
      '/%74ts',
      '/',
    ];
    for (const uri of uris) await caddy(uri, { 'X-API-Key': u.apiKey }).expect(200);
    await flush();
    const after = await me(u);
    expect(after.usage.tts - before.usage.tts).toBe(4); // /tts, /tts/voices/x, /v1/speak, /%74ts
    expect(after.usage.transcriptions - before.usage.transcriptions).toBe(2);
    expect(after.usage.translations).toBe(before.usage.translations);
    // Each forwarded request once, plus the two GET /auth/me (the verify call itself is not counted again).
    expect(after.usage.total_requests - before.usage.total_requests).toBe(uris.length + 1);
    expect(after.usage.month).toMatchObject({ tts: 4, transcriptions: 2, translations: 0, audio_seconds: 0 });
    expect(new Date(after.usage.month.resets_at).getUTCDate()).toBe(1);
    expect(new Date(after.usage.month.resets_at).getTime()).toBeGreaterThan(Date.now());
  });

  it('the rate limit is shared with the API: over it, 429 at the gate; ?mode=nginx sends 403 + X-Auth-Status', async () => {
    const u = await createUser(t);
    await t.http
      .put(`/auth/admin/users/${u.id}`)
      .set(admin.auth)
      .send({ rate_limits: { per_minute: 4 } })
      .expect(200);
    await t.http.get('/auth/me').set(u.auth).expect(200);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++)
      seen.push((await nginx('/tts', { 'X-API-Key': u.apiKey }).expect(200)).headers['x-ratelimit-remaining']);
    expect(seen).toEqual(['2', '1', '0']);
    const over = await nginx('/tts', { 'X-API-Key': u.apiKey }).expect(429);
    expect(over.body.code).toBe('RATE_LIMITED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(over.headers['x-ratelimit-remaining']).toBe('0');
    noIdentity(over);
    const mapped = await t.http
      .get('/auth/verify?mode=nginx')
      .set({ 'X-Original-URI': '/tts', 'X-API-Key': u.apiKey })
      .expect(403);
    expect(mapped.headers['x-auth-status']).toBe('429');
    expect(mapped.headers['x-auth-reason']).toBe('RATE_LIMITED');
    expect(Number(mapped.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    noIdentity(mapped);
    await t.http.get('/auth/me').set(u.auth).expect(429); // the API's own budget is the same one
    // A 403 of the gate itself stays a 403 in nginx mode (no X-Auth-Status).
    const s = await createUser(t);
    await t.http.post(`/auth/admin/users/${s.id}/suspend`).set(admin.auth).send({ reason: 'x' }).expect(200);
    const forbidden = await t.http
      .get('/auth/verify?mode=nginx')
      .set({ 'X-Original-URI': '/tts', 'X-API-Key': s.apiKey })
      .expect(403);
    expect(forbidden.headers['x-auth-status']).toBeUndefined();
  });

  it('a quota of Q: N parallel requests allow exactly Q; then 429 QUOTA_EXCEEDED until the month ends', async () => {
    const u = await createUser(t);
    const out = (await setQuota(u, { tts: 5 }).expect(200)).body;
    expect(out.quota).toEqual({ transcriptions: null, translations: null, tts: 5, audio_seconds: null });
    const results = await Promise.all(Array.from({ length: 12 }, () => caddy('/tts', { 'X-API-Key': u.apiKey })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(5);
    expect(ok.map((r) => r.headers['x-quota-remaining']).sort()).toEqual(['0', '1', '2', '3', '4']);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused.map((r) => r.status)).toEqual(Array(7).fill(429));
    const r = refused[0];
    expect(r.body).toMatchObject({ code: 'QUOTA_EXCEEDED', kind: 'tts', limit: 5 });
    const monthEnd = new Date(r.body.resets_at).getTime();
    expect(Math.abs(Number(r.headers['retry-after']) - (monthEnd - Date.now()) / 1000)).toBeLessThan(5);
    noIdentity(r);
    // Another class is not limited by it.
    await caddy('/transcribe', { 'X-API-Key': u.apiKey }).expect(200);
    // nginx mode: 403 + X-Auth-Status 429 + the reason.
    const mapped = await t.http
      .get('/auth/verify?mode=nginx')
      .set({ 'X-Original-URI': '/tts', Authorization: u.auth.Authorization })
      .expect(403);
    expect(mapped.headers['x-auth-reason']).toBe('QUOTA_EXCEEDED');
    // 80 % and 100 % published once each, with the contract's payload.
    const mine = thresholds.filter((e) => e.user_id === u.id);
    expect(mine.map((e) => [e.threshold, e.used])).toEqual([
      [80, 4],
      [100, 5],
    ]);
    expect(mine[0]).toEqual({
      user_id: u.id,
      kind: 'tts',
      threshold: 80,
      used: 4,
      limit: 5,
      month: expect.stringMatching(/^\d{4}-\d{2}$/),
    });
    // Reaching the quota wrote the counts at once (a restart would still refuse).
    const row = await t.dataSource.query(`SELECT usage_month_tts FROM users WHERE id = '${u.id}'`);
    expect(Number(row[0].usage_month_tts)).toBe(5);
    // Raising the quota lets the next one through, with the new remaining count.
    await setQuota(u, { tts: 6 }).expect(200);
    expect((await caddy('/tts', { 'X-API-Key': u.apiKey }).expect(200)).headers['x-quota-remaining']).toBe('0');
    await flush();
    const body = await me(u);
    expect(body.usage.month.tts).toBe(6);
    expect(body.quota.tts).toBe(6);
  });

  it('admin quota overrides: null = unlimited, absent = unchanged, null object = defaults; bad values 422', async () => {
    const u = await createUser(t);
    await setQuota(u, { transcriptions: 10, audio_seconds: 90.5 }).expect(200);
    const partial = (await setQuota(u, { tts: 0 }).expect(200)).body;
    expect(partial.quota).toEqual({ transcriptions: 10, translations: null, tts: 0, audio_seconds: 90.5 });
    const other = (await t.http.put(`/auth/admin/users/${u.id}`).set(admin.auth).send({ full_name: 'X' }).expect(200))
      .body;
    expect(other.quota).toEqual(partial.quota);
    expect((await setQuota(u, { transcriptions: null }).expect(200)).body.quota.transcriptions).toBeNull();
    await caddy('/tts', { 'X-API-Key': u.apiKey }).expect(429); // quota 0
    expect((await setQuota(u, null).expect(200)).body.quota).toEqual({
      transcriptions: null,
      translations: null,
      tts: null,
      audio_seconds: null,
    });
    for (const bad of [{ tts: -1 }, { tts: 1.5 }, { tts: 'x' }, { unknown: 1 }, 5, { audio_seconds: -0.1 }])
      expect((await setQuota(u, bad)).status).toBe(422);
    await t.http
      .put(`/auth/admin/users/${u.id}`)
      .set(u.auth)
      .send({ quota: { tts: 1 } })
      .expect(403);
  });

  it('jobs: POST /jobs/ refused when the kind or the audio seconds are spent; completion adds audio_seconds', async () => {
    const u = await createUser(t);
    await setQuota(u, { transcriptions: 2, audio_seconds: 100 }).expect(200);
    const job = async (task = 'transcribe') =>
      (await t.http.post('/jobs/').set(u.auth).send({ filename: 'a.mp3', task }).expect(201)).body;
    const complete = (id: string, body: object) =>
      t.http
        .patch(`/jobs/${id}`)
        .set(u.auth)
        .send({ status: 'completed', ...body });
    const a = await job();
    await complete(a.job_id, { audio_seconds: -1 }).expect(422);
    await t.http.patch(`/jobs/${a.job_id}`).set(u.auth).send({ status: 'processing', audio_seconds: 3 }).expect(422);
    await complete(a.job_id, { audio_seconds: 60.5 }).expect(200);
    const b = await job();
    await complete(b.job_id, { audio_seconds: 39.5 }).expect(200); // 100 audio seconds: spent
    const refused = await t.http.post('/jobs/').set(u.auth).send({ filename: 'c.mp3', task: 'tts' }).expect(429);
    expect(refused.body).toMatchObject({ code: 'QUOTA_EXCEEDED', kind: 'audio_seconds' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await setQuota(u, { audio_seconds: null }).expect(200);
    const kind = await t.http.post('/jobs/').set(u.auth).send({ filename: 'c.mp3' }).expect(429); // 2 transcriptions
    expect(kind.body.kind).toBe('transcriptions');
    await job('tts'); // another kind is free
    await flush();
    const body = await me(u);
    expect(body.usage.month).toMatchObject({ transcriptions: 2, audio_seconds: 100 });
    expect(body.usage.transcriptions).toBe(2);
    const mine = thresholds.filter((e) => e.user_id === u.id).map((e) => [e.kind, e.threshold]);
    expect(mine).toEqual(
      expect.arrayContaining([
        ['audio_seconds', 80],
        ['audio_seconds', 100],
        ['transcriptions', 80],
        ['transcriptions', 100],
      ]),
    );
  });

  it('a cached caller is decided without a database statement, and counting writes nothing per request', async () => {
    const u = await createUser(t);
    await setQuota(u, { tts: 1000 }).expect(200);
    await t.get(SecurityEventWriter).flush(); // the admin's audit event, written in the background
    const statements: string[] = [];
    const logger = t.dataSource.logger;
    const original = logger.logQuery.bind(logger);
    const spy = jest.spyOn(logger, 'logQuery').mockImplementation((query, parameters, runner) => {
      statements.push(query);
      return original(query, parameters, runner);
    });
    const held = [
      jest.spyOn(t.get(QuotaService), 'flush').mockResolvedValue(undefined),
      jest.spyOn(t.get(UsageBuffer), 'flush').mockResolvedValue(undefined),
      jest.spyOn(t.get(SecurityEventWriter), 'flush').mockResolvedValue(undefined),
      // The webhook worker looks at its queue shortly after the admin's change: its own statements, not the gate's.
      jest.spyOn(t.get(WebhookDispatcher), 'sendDue').mockResolvedValue(0),
    ];
    try {
      for (const headers of [{ 'X-API-Key': u.apiKey }, u.auth]) {
        await caddy('/tts', headers).expect(200); // loads the caller
        statements.length = 0;
        const started = Date.now();
        for (let i = 0; i < 25; i++) await caddy(i % 2 ? '/tts' : '/translate', headers).expect(200);
        // Only the user/session state's periodic re-read (every 5 s) may show up on a slow machine.
        if (Date.now() - started < 4500) expect(statements).toEqual([]);
        else for (const q of statements) expect(q).toMatch(/^SELECT/);
      }
    } finally {
      spy.mockRestore();
      for (const h of held) h.mockRestore();
    }
  });

  it('GET /auth/admin/stats includes the gate traffic', async () => {
    await flush();
    const stats = (await t.http.get('/auth/admin/stats').set(admin.auth).expect(200)).body;
    expect(stats.gate.month.requests).toBeGreaterThan(10);
    expect(stats.gate.month.tts).toBeGreaterThan(5);
    expect(stats.gate.decisions.allowed).toBeGreaterThan(10);
    expect(stats.gate.decisions.quota_exceeded).toBeGreaterThan(5);
    expect(stats.gate.decisions.unauthenticated).toBeGreaterThan(1);
    expect(stats.gate.decisions.forbidden).toBeGreaterThan(1);
    expect(stats.gate.decisions.rate_limited).toBeGreaterThan(0);
  });
});

describe('the gate with ALLOW_API_KEY_QUERY=false and default quotas', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ALLOW_API_KEY_QUERY: 'false', QUOTA_TTS_PER_MONTH: '2' } });
  });
  afterAll(() => t.close());

  it('the original URI api_key is not read; the default quota applies', async () => {
    const u = await createUser(t);
    await t.http.get('/auth/verify').set('X-Original-URI', `/tts?api_key=${u.apiKey}`).expect(401);
    const ok = await t.http.get('/auth/verify').set({ 'X-Original-URI': '/tts', 'X-API-Key': u.apiKey }).expect(200);
    expect(ok.headers['x-quota-remaining']).toBe('1');
    expect(ok.headers['x-ratelimit-limit']).toBeUndefined(); // rate limits off in this app
    await t.http.get('/auth/verify').set({ 'X-Original-URI': '/tts', 'X-API-Key': u.apiKey }).expect(200);
    await t.http.get('/auth/verify').set({ 'X-Original-URI': '/tts', 'X-API-Key': u.apiKey }).expect(429);
    const out = (await t.http.get('/auth/me').set(u.auth).expect(200)).body;
    expect(out.quota).toEqual({ transcriptions: null, translations: null, tts: 2, audio_seconds: null });
  });
});

// Two instances on one database and one Redis (db 11: this file's own; keys name fresh user ids).
describe('the gate on two instances sharing Redis', () => {
  const REDIS_URL = process.env.TEST_GATE_REDIS_URL ?? 'redis://127.0.0.1:6379/11';
  let a: TestApp;
  let b: TestApp;
  let admin: TestUser;
  const events: QuotaThresholdPayload[] = [];
  const users: string[] = [];

  beforeAll(async () => {
    const env = {
      REDIS_URL,
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_USER_PER_MINUTE: '1000',
      SECRET_KEY: 'shared-gate-secret-' + randomInt(1e9).toString(36).padEnd(40, 'x'),
    };
    a = await createTestApp({ env });
    b = await createTestApp({ env, databaseUrl: a.databaseUrl });
    admin = await createAdmin(a);
    for (const t of [a, b]) t.get(EventEmitter2).on(QUOTA_THRESHOLD, (p: QuotaThresholdPayload) => events.push(p));
  });
  afterAll(async () => {
    const Redis = (await import('ioredis')).default;
    const redis = new Redis(REDIS_URL);
    for (const id of users) {
      const keys = await redis.keys(`voicegate:*${id}*`);
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
    await b?.close();
    await a?.close();
  });

  it('N parallel requests over both instances against a quota of Q allow exactly Q; thresholds publish once', async () => {
    const u = await createUser(a);
    users.push(u.id);
    await a.http
      .put(`/auth/admin/users/${u.id}`)
      .set(admin.auth)
      .send({ quota: { transcriptions: 7 } })
      .expect(200);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? a : b).http
          .get('/auth/verify')
          .set({ 'X-Forwarded-Uri': '/transcribe', ...(i % 3 ? { 'X-API-Key': u.apiKey } : u.auth) }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(7);
    expect(ok.map((r) => r.headers['x-quota-remaining']).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(results.filter((r) => r.status === 429).every((r) => r.body.code === 'QUOTA_EXCEEDED')).toBe(true);
    expect(
      events
        .filter((e) => e.user_id === u.id)
        .map((e) => e.threshold)
        .sort(),
    ).toEqual([100, 80]);
    // Both instances flush their own share; the row holds the exact total.
    await a.get(QuotaService).flush();
    await b.get(QuotaService).flush();
    await a.get(UsageBuffer).flush();
    await b.get(UsageBuffer).flush();
    const row = await a.dataSource.query(
      `SELECT usage_month_transcriptions AS m, usage_transcriptions AS t, usage_total_requests AS r FROM users WHERE id = '${u.id}'`,
    );
    expect(row[0]).toMatchObject({ m: 7, t: 7, r: 7 });
    // A job's refusal on either instance reads the shared counter.
    for (const t of [a, b])
      expect((await t.http.post('/jobs/').set(u.auth).send({ filename: 'x.wav' }).expect(429)).body.code).toBe(
        'QUOTA_EXCEEDED',
      );
  });
});
