import { EventEmitter2 } from '@nestjs/event-emitter';
import { KeyUsage } from '../../src/personal-keys/key-usage.service';
import { PersonalKey } from '../../src/personal-keys/entities/personal-key.entity';
import { hashApiKey } from '../../src/personal-keys/personal-key.util';
import { SecurityEventWriter } from '../../src/audit/security-event-writer.service';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';
import { recordSecret } from '../security/secrets';

const INSUFFICIENT = /^Bearer error="insufficient_scope", scope="[^"]+"$/;

describe('API keys, several per user (/auth/api-keys)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { API_KEYS_PER_USER: '6' } });
  });
  afterAll(() => t.close());

  const create = async (u: TestUser, body: Record<string, unknown>, status = 201) => {
    const res = await t.http.post('/auth/api-keys').set(u.auth).send(body).expect(status);
    if (res.body.key) recordSecret(res.body.key);
    return res.body;
  };

  it('creates a key shown once; lists and gets it without the key; the key authenticates on every carrier', async () => {
    const u = await createUser(t);
    const res = await t.http
      .post('/auth/api-keys')
      .set(u.auth)
      .send({
        name: 'ci',
        scopes: ['jobs:read', 'profile:read'],
        expires_in_days: 30,
        rate_limits: { per_minute: 100 },
      })
      .expect(201);
    recordSecret(res.body.key);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      name: 'ci',
      scopes: ['profile:read', 'jobs:read'],
      all_scopes: false,
      rate_limits: { per_minute: 100, per_hour: null, per_day: null },
      last_used_at: null,
    });
    expect(res.body.key).toMatch(/^tk_[0-9A-Za-z]{43,44}$/);
    expect(res.body.prefix).toBe(res.body.key.slice(0, 10));
    expect(new Date(res.body.expires_at).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const list = (await t.http.get('/auth/api-keys').set(u.auth).expect(200)).body;
    expect(list.map((k: { name: string }) => k.name)).toEqual(['ci', 'default']); // newest first
    expect(JSON.stringify(list)).not.toContain(res.body.key);
    expect(list[0]).not.toHaveProperty('key');
    const one = (await t.http.get(`/auth/api-keys/${res.body.id}`).set(u.auth).expect(200)).body;
    expect(one).toEqual(list[0]);
    for (const req of [
      t.http.get('/auth/me').set('X-API-Key', res.body.key),
      t.http.get('/auth/me').set('Authorization', `Bearer ${res.body.key}`),
      t.http.get(`/api/auth/me?api_key=${res.body.key}`),
    ])
      expect((await req.expect(200)).body.id).toBe(u.id);
    const row = await t.dataSource.getRepository(PersonalKey).findOneByOrFail({ id: res.body.id });
    expect(row.keyHash).toBe(hashApiKey(res.body.key));
    expect(JSON.stringify(row)).not.toContain(res.body.key);
  });

  it('scopes: a route outside the key’s scopes → 403 insufficient_scope with the scope it needs', async () => {
    const u = await createUser(t);
    const { key } = await create(u, { name: 'jobs-reader', scopes: ['jobs:read'] });
    await t.http.get('/jobs/').set('X-API-Key', key).expect(200);
    const refused = await t.http.get('/auth/me').set('X-API-Key', key).expect(403);
    expect(refused.body.code).toBe('INSUFFICIENT_SCOPE');
    expect(refused.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="profile:read"');
    await t.http.post('/jobs/').set('X-API-Key', key).send({ filename: 'a.wav' }).expect(403);
    // Account management: a JWT or a key with every scope.
    for (const [method, path] of [
      ['post', '/auth/api-keys'],
      ['get', '/auth/api-keys'],
      ['post', '/auth/regenerate-api-key'],
      ['post', '/auth/change-password'],
      ['get', '/auth/sessions'],
      ['post', '/auth/logout'],
    ] as const) {
      const r = await t.http[method](path).set('X-API-Key', key).send({}).expect(403);
      expect(r.headers['www-authenticate']).toMatch(INSUFFICIENT);
    }
    // An email change is account management too; a name change is profile:write.
    const writer = await create(u, { name: 'writer', scopes: ['profile:write', 'profile:read'] });
    await t.http.put('/auth/profile').set('X-API-Key', writer.key).send({ full_name: 'New Name' }).expect(200);
    await t.http
      .put('/auth/profile')
      .set('X-API-Key', writer.key)
      .send({ email: `x${u.email}`, current_password: u.password })
      .expect(403);
    // The default key holds every scope: it manages keys.
    await t.http.get('/auth/api-keys').set('X-API-Key', u.apiKey).expect(200);
  });

  it('no key mints a wider key; admin and introspect are for admins only', async () => {
    const u = await createUser(t);
    const admin = await createAdmin(t);
    for (const scopes of [['admin'], ['introspect'], ['jobs:read', 'admin']]) {
      const r = await t.http.post('/auth/api-keys').set(u.auth).send({ name: 'x', scopes }).expect(403);
      expect(r.body.detail).toMatch(/administrators/);
    }
    const adminKey = await create(admin, { name: 'introspector', scopes: ['introspect'] });
    expect(adminKey.scopes).toEqual(['introspect']);
    // A user's all-scope key (default) creates narrower keys, and keys with every scope.
    const viaKey = await t.http
      .post('/auth/api-keys')
      .set('X-API-Key', u.apiKey)
      .send({ name: 'from-key', scopes: ['tts'] })
      .expect(201);
    recordSecret(viaKey.body.key);
    await t.http.post('/auth/api-keys').set('X-API-Key', u.apiKey).send({ name: 'from-key-2' }).expect(201);
    // Narrowing only: PATCH cannot widen.
    const narrow = await create(u, { name: 'narrow', scopes: ['jobs:read', 'jobs:write'] });
    const patched = await t.http
      .patch(`/auth/api-keys/${narrow.id}`)
      .set(u.auth)
      .send({ scopes: ['jobs:read'], name: 'narrower', rate_limits: { per_day: 10 } })
      .expect(200);
    expect(patched.body).toMatchObject({ name: 'narrower', scopes: ['jobs:read'], rate_limits: { per_day: 10 } });
    await t.http.post('/jobs/').set('X-API-Key', narrow.key).send({ filename: 'a.wav' }).expect(403); // next request
    const wider = await t.http
      .patch(`/auth/api-keys/${narrow.id}`)
      .set(u.auth)
      .send({ scopes: ['jobs:read', 'jobs:write'] })
      .expect(403);
    expect(wider.body.detail).toMatch(/narrowed/);
    await t.http.patch(`/auth/api-keys/${narrow.id}`).set(u.auth).send({ name: 'default' }).expect(409);
  });

  it('validation: bad bodies → 422 and nothing is created; unknown, foreign or malformed ids → 404', async () => {
    const u = await createUser(t);
    const other = await createUser(t);
    const before = (await t.http.get('/auth/api-keys').set(u.auth).expect(200)).body.length;
    for (const body of [
      {},
      { name: '' },
      { name: 'x'.repeat(101) },
      { name: 'a', scopes: ['nope'] },
      { name: 'a', scopes: 'jobs:read' },
      { name: 'a', scopes: ['tts', 'tts'] },
      { name: 'a', expires_at: 'tomorrow' },
      { name: 'a', expires_at: new Date(Date.now() - 1000).toISOString() },
      { name: 'a', expires_in_days: 0 },
      { name: 'a', expires_in_days: 1, expires_at: new Date(Date.now() + 864e5).toISOString() },
      { name: 'a', rate_limits: { per_minute: 0 } },
      { name: 'a', rate_limits: { per_week: 3 } },
      { name: 'a', extra: true },
    ])
      await t.http.post('/auth/api-keys').set(u.auth).send(body).expect(422);
    expect((await t.http.get('/auth/api-keys').set(u.auth).expect(200)).body.length).toBe(before);
    await t.http.post('/auth/api-keys').set(u.auth).send({ name: 'default' }).expect(409);
    const mine = await create(u, { name: 'mine' });
    for (const path of [`/auth/api-keys/${mine.id}`, `/auth/api-keys/${mine.id}/roll`]) {
      await (path.endsWith('roll') ? t.http.post(path) : t.http.get(path)).set(other.auth).expect(404);
    }
    await t.http.delete(`/auth/api-keys/${mine.id}`).set(other.auth).expect(404);
    await t.http.get('/auth/api-keys/not-a-uuid').set(u.auth).expect(404);
    await t.http.get('/auth/api-keys').expect(401);
    await t.http.post(`/auth/api-keys/${mine.id}/roll`).set(u.auth).send({ overlap_seconds: 86401 }).expect(422);
    await t.http.get('/auth/me').set('X-API-Key', mine.key).expect(200); // still alive
  });

  it('expiry: an expired key → 401 "API key expired", on the next request', async () => {
    const u = await createUser(t);
    const { key } = await create(u, { name: 'short', expires_in_days: 1 });
    await t.http.get('/auth/me').set('X-API-Key', key).expect(200);
    t.clock.advance(86_400_000 + 1000);
    try {
      const r = await t.http.get('/auth/me').set('X-API-Key', key).expect(401);
      expect(r.body.detail).toBe('API key expired');
      expect(r.body.code).toBe('API_KEY_EXPIRED');
      expect(r.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
      await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200); // other keys unaffected
    } finally {
      t.clock.advance(-(86_400_000 + 1000));
    }
  });

  it('roll: same id, name, scopes, expiry, limits; the old secret works for the overlap, then dies', async () => {
    const u = await createUser(t);
    const k = await create(u, {
      name: 'roller',
      scopes: ['profile:read'],
      expires_in_days: 5,
      rate_limits: { per_hour: 9 },
    });
    await t.http.get('/auth/me').set('X-API-Key', k.key).expect(200); // cached
    const rolled = await t.http
      .post(`/auth/api-keys/${k.id}/roll`)
      .set(u.auth)
      .send({ overlap_seconds: 60 })
      .expect(201);
    recordSecret(rolled.body.key);
    expect(rolled.body).toMatchObject({ id: k.id, name: 'roller', scopes: ['profile:read'], expires_at: k.expires_at });
    expect(rolled.body.rate_limits.per_hour).toBe(9);
    expect(rolled.body.key).not.toBe(k.key);
    await t.http.get('/auth/me').set('X-API-Key', rolled.body.key).expect(200);
    await t.http.get('/auth/me').set('X-API-Key', k.key).expect(200); // overlap
    t.clock.advance(61_000);
    try {
      await t.http.get('/auth/me').set('X-API-Key', k.key).expect(401);
      await t.http.get('/auth/me').set('X-API-Key', rolled.body.key).expect(200);
    } finally {
      t.clock.advance(-61_000);
    }
    // No overlap (the default): the old secret dies at once.
    const again = await t.http.post(`/auth/api-keys/${k.id}/roll`).set(u.auth).expect(201);
    recordSecret(again.body.key);
    await t.http.get('/auth/me').set('X-API-Key', rolled.body.key).expect(401);
    await t.http.get('/auth/me').set('X-API-Key', again.body.key).expect(200);
  });

  it('delete: the key is refused on its very next request; security events for create, roll and delete', async () => {
    const u = await createUser(t);
    const k = await create(u, { name: 'doomed' });
    await t.http.get('/auth/me').set('X-API-Key', k.key).expect(200);
    await t.http.post(`/auth/api-keys/${k.id}/roll`).set(u.auth).send({ overlap_seconds: 600 }).expect(201);
    await t.http.delete(`/auth/api-keys/${k.id}`).set(u.auth).expect(204);
    const r = await t.http.get('/auth/me').set('X-API-Key', k.key).expect(401);
    expect(r.body.code).toBe('INVALID_API_KEY');
    await t.http.get(`/auth/api-keys/${k.id}`).set(u.auth).expect(404);
    await t.http.delete(`/auth/api-keys/${k.id}`).set(u.auth).expect(404);
    await t.get(SecurityEventWriter).flush();
    const events = (await t.http.get('/auth/security-events').set(u.auth).query({ per_page: 50 }).expect(200)).body;
    const types = (events.items ?? events.events ?? events).map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['api_key_created', 'api_key_rolled', 'api_key_deleted']));
    expect(JSON.stringify(events)).not.toContain(k.key);
  });

  it('domain events api_key.created / api_key.revoked carry {user_id, key_id}', async () => {
    const u = await createUser(t);
    const seen: [string, unknown][] = [];
    const emitter = t.get(EventEmitter2);
    const spy = jest.spyOn(emitter, 'emit').mockImplementation(function (this: EventEmitter2, name, ...args) {
      seen.push([String(name), args[0]]);
      return EventEmitter2.prototype.emit.call(this, name, ...args);
    });
    try {
      const k = await create(u, { name: 'evented' });
      await t.http.delete(`/auth/api-keys/${k.id}`).set(u.auth).expect(204);
      expect(seen).toEqual(
        expect.arrayContaining([
          ['api_key.created', { user_id: u.id, key_id: k.id }],
          ['api_key.revoked', { user_id: u.id, key_id: k.id }],
        ]),
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('API_KEYS_PER_USER, the default key included: parallel creations stop exactly at the limit', async () => {
    const u = await createUser(t);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.http
          .post('/auth/api-keys')
          .set(u.auth)
          .send({ name: `p${i}` }),
      ),
    );
    for (const r of results) if (r.body.key) recordSecret(r.body.key);
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(7);
    expect(refused[0].body.code).toBe('API_KEY_LIMIT_REACHED');
    expect((await t.http.get('/auth/api-keys').set(u.auth).expect(200)).body).toHaveLength(6);
  });

  it('last_used_at is tracked without a write per request (buffered, then flushed)', async () => {
    const u = await createUser(t);
    const k = await create(u, { name: 'used' });
    await t.http.get('/auth/me').set('X-API-Key', k.key).expect(200);
    const row = await t.dataSource.getRepository(PersonalKey).findOneByOrFail({ id: k.id });
    expect(row.lastUsedAt).toBeNull(); // nothing written yet
    const shown = (await t.http.get(`/auth/api-keys/${k.id}`).set(u.auth).expect(200)).body;
    expect(shown.last_used_at).not.toBeNull(); // but shown
    await t.get(KeyUsage).flush();
    const flushed = await t.dataSource.getRepository(PersonalKey).findOneByOrFail({ id: k.id });
    expect(flushed.lastUsedAt).not.toBeNull();
  });

  it('the default key keeps part one’s answers: register, regenerate, api_key_prefix', async () => {
    const reg = await t.http
      .post('/auth/register')
      .send({ email: `d${Date.now()}@example.com`, username: `d${Date.now()}`, password: 'Correct-Horse-42!' })
      .expect(201);
    recordSecret(reg.body.api_key);
    expect(reg.body.api_key_prefix).toBe(reg.body.api_key.slice(0, 10));
    const keys = (await t.http.get('/auth/api-keys').set('X-API-Key', reg.body.api_key).expect(200)).body;
    expect(keys).toEqual([
      expect.objectContaining({ name: 'default', all_scopes: true, prefix: reg.body.api_key_prefix }),
    ]);
    const regen = await t.http.post('/auth/regenerate-api-key').set('X-API-Key', reg.body.api_key).expect(200);
    recordSecret(regen.body.api_key);
    expect(Object.keys(regen.body).sort()).toEqual(['api_key', 'api_key_prefix']);
    await t.http.get('/auth/me').set('X-API-Key', reg.body.api_key).expect(401);
    const me = (await t.http.get('/auth/me').set('X-API-Key', regen.body.api_key).expect(200)).body;
    expect(me.api_key_prefix).toBe(regen.body.api_key_prefix);
    // Deleting the default key clears api_key_prefix; regenerating creates a new default.
    const def = (await t.http.get('/auth/api-keys').set('X-API-Key', regen.body.api_key).expect(200)).body[0];
    const u = await createUser(t);
    const ownDefault = (await t.http.get('/auth/api-keys').set(u.auth).expect(200)).body[0];
    await t.http.delete(`/auth/api-keys/${ownDefault.id}`).set(u.auth).expect(204);
    expect((await t.http.get('/auth/me').set(u.auth).expect(200)).body.api_key_prefix).toBeNull();
    const fresh = await t.http.post('/auth/regenerate-api-key').set(u.auth).expect(200);
    recordSecret(fresh.body.api_key);
    expect((await t.http.get('/auth/me').set('X-API-Key', fresh.body.api_key).expect(200)).body.api_key_prefix).toBe(
      fresh.body.api_key_prefix,
    );
    expect(def.name).toBe('default');
  });

  it('admins list and delete a user’s keys; the key dies on its next request; others get 403', async () => {
    const admin = await createAdmin(t);
    const u = await createUser(t);
    const k = await create(u, { name: 'fleet-7', scopes: ['tts'] });
    const list = (await t.http.get(`/auth/admin/users/${u.id}/api-keys`).set(admin.auth).expect(200)).body;
    expect(list.map((x: { name: string }) => x.name)).toEqual(['fleet-7', 'default']);
    await t.http.get(`/auth/admin/users/${u.id}/api-keys`).set(u.auth).expect(403);
    await t.http.get(`/auth/admin/users/${admin.id}/api-keys`).set('X-API-Key', k.key).expect(403);
    // An admin's key without the admin scope is refused on admin routes.
    const narrow = await create(admin, { name: 'no-admin', scopes: ['profile:read'] });
    const r = await t.http.get(`/auth/admin/users/${u.id}/api-keys`).set('X-API-Key', narrow.key).expect(403);
    expect(r.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="admin"');
    await t.http.get(`/auth/admin/users/${u.id}/api-keys`).set('X-API-Key', admin.apiKey).expect(200);
    await t.http.get('/auth/admin/users/00000000-0000-4000-8000-000000000000/api-keys').set(admin.auth).expect(404);
    await t.http.get('/auth/me').set('Authorization', `Bearer ${k.key}`).expect(403); // tts only
    await t.http.delete(`/auth/admin/users/${u.id}/api-keys/${k.id}`).set(admin.auth).expect(204);
    await t.http.get('/jobs/').set('X-API-Key', k.key).expect(401);
    await t.http.delete(`/auth/admin/users/${u.id}/api-keys/${k.id}`).set(admin.auth).expect(404);
  });

  it('OpenAPI: the scopes in the OAuth2 scheme and on each operation', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body;
    expect(Object.keys(doc.components.securitySchemes.oauth2.flows.password.scopes)).toEqual(
      expect.arrayContaining(['jobs:read', 'tts', 'admin', 'introspect']),
    );
    const listJobs = doc.paths['/jobs'].get;
    expect(listJobs.security).toEqual(
      expect.arrayContaining([{ oauth2: ['jobs:read'] }, { 'api-key': ['jobs:read'] }]),
    );
    expect(doc.paths['/auth/api-keys'].post['x-required-scopes']).toEqual(['*']);
    expect(doc.paths['/auth/admin/users'].get.security).toEqual(expect.arrayContaining([{ oauth2: ['admin'] }]));
  });
});

describe('API keys: their own rate limits, on top of the owner’s', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_ENABLED: 'true' } });
  });
  afterAll(() => t.close());

  it('a key limited to 3/minute is refused the 4th request while its owner’s other credentials go on', async () => {
    const u = await createUser(t);
    const res = await t.http
      .post('/auth/api-keys')
      .set(u.auth)
      .send({ name: 'slow', rate_limits: { per_minute: 3 } })
      .expect(201);
    recordSecret(res.body.key);
    for (let i = 0; i < 3; i++) {
      const ok = await t.http.get('/auth/me').set('X-API-Key', res.body.key).expect(200);
      expect(Number(ok.headers['x-ratelimit-limit'])).toBe(3); // the tightest window is the key's
    }
    const refused = await t.http.get('/auth/me').set('X-API-Key', res.body.key).expect(429);
    expect(refused.body.detail).toMatch(/API key/);
    expect(refused.headers['retry-after']).toBeDefined();
    await t.http.get('/auth/me').set(u.auth).expect(200);
    await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200);
  });
});
