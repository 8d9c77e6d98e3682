import { decodeJwt, decodeProtectedHeader } from 'jose';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamTokenService } from '../../src/stream-tokens/stream-token.service';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';
import { recordSecret } from '../security/secrets';

const ROUTES: { method: string; path: string; public: boolean }[] = JSON.parse(
  readFileSync(join(__dirname, 'route-permissions.json'), 'utf8'),
);
const SOME_ID = '00000000-0000-4000-8000-000000000000';

/** The refusal a consume ends with: its code and status (or 'ok'). */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    const e = err as { code?: string; status?: number };
    return `${e.status} ${e.code}`;
  }
}

describe.each(['HS256', 'EdDSA'] as const)('stream tokens (ALGORITHM=%s)', (alg) => {
  let t: TestApp;
  let streams: StreamTokenService;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ env: { ALGORITHM: alg } });
    streams = t.get(StreamTokenService);
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  const mint = async (auth: Record<string, string>, body: object = { scope: 'transcribe' }) => {
    const res = await t.http.post('/auth/stream-token').set(auth).send(body).expect(201);
    recordSecret(res.body.token);
    return res.body as { token: string; expires_in: number };
  };

  it('POST /auth/stream-token → 201 {token, expires_in}: a JWT of type stream with the scope and a jti', async () => {
    const u = await createUser(t);
    const res = await t.http.post('/auth/stream-token').set(u.auth).send({ scope: 'translate' }).expect(201);
    recordSecret(res.body.token);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual(['expires_in', 'token']);
    expect(res.body.expires_in).toBe(60);
    expect(decodeProtectedHeader(res.body.token).alg).toBe(alg);
    const claims = decodeJwt(res.body.token);
    expect(claims).toMatchObject({ sub: u.id, sid: u.sessionId, type: 'stream', scope: 'translate', iss: 'voicegate' });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.exp! - claims.iat!).toBe(60);
    const long = await mint(u.auth, { scope: 'tts', ttl_seconds: 600 });
    expect(long.expires_in).toBe(600);
    expect((await mint({ 'X-API-Key': u.apiKey }, { scope: 'tts', ttl_seconds: 1 })).expires_in).toBe(1);
  });

  it('bad requests: 401 without credentials, 422 for a bad scope or lifetime', async () => {
    const u = await createUser(t);
    await t.http.post('/auth/stream-token').send({ scope: 'transcribe' }).expect(401);
    for (const body of [
      {},
      { scope: 'admin' },
      { scope: 'transcribe', ttl_seconds: 0 },
      { scope: 'transcribe', ttl_seconds: 601 },
      { scope: 'transcribe', ttl_seconds: 1.5 },
      { scope: 'transcribe', ttl_seconds: '60' },
      { scope: 'transcribe', extra: 1 },
    ]) {
      const res = await t.http.post('/auth/stream-token').set(u.auth).send(body);
      expect([res.status, res.body.code]).toEqual([422, 'VALIDATION_FAILED']);
    }
  });

  it('a stream token is refused on every normal API route (401), itself included', async () => {
    const u = await createUser(t);
    const { token } = await mint(u.auth);
    const guarded = ROUTES.filter((r) => !r.public);
    expect(guarded.length).toBeGreaterThan(20);
    for (const r of guarded) {
      const path = r.path.replace(/:[a-z_]+/g, SOME_ID);
      const res = await t.http[r.method.toLowerCase() as 'get']?.(path).set('Authorization', `Bearer ${token}`);
      expect(`${r.method} ${r.path} ${res.status}`).toBe(`${r.method} ${r.path} 401`);
    }
    // Nor is it a refresh token.
    await t.http.post('/auth/refresh').send({ refresh_token: token }).expect(401);
    // It was never spent by those refusals.
    expect((await streams.consume(token, { scope: 'transcribe' })).user.id).toBe(u.id);
  });

  it('consume: accepted once, for its owner; a second use is refused (STREAM_TOKEN_USED)', async () => {
    const u = await createUser(t);
    const { token } = await mint(u.auth, { scope: 'tts' });
    const principal = await streams.consume(token, { scope: 'tts' });
    expect(principal).toMatchObject({ via: 'stream', scopes: ['tts'], sessionId: u.sessionId });
    expect(principal.user).toMatchObject({ id: u.id, username: u.username });
    expect(await outcome(streams.consume(token, { scope: 'tts' }))).toBe('401 STREAM_TOKEN_USED');
  });

  it('parallel uses of one token: exactly one is accepted', async () => {
    const u = await createUser(t);
    const { token } = await mint(u.auth);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => outcome(streams.consume(token, { scope: 'transcribe' }))),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === '401 STREAM_TOKEN_USED')).toHaveLength(19);
  });

  it('another scope (or a route of no speech class) is refused with 403 and does not spend the token', async () => {
    const u = await createUser(t);
    const { token } = await mint(u.auth, { scope: 'transcribe' });
    expect(await outcome(streams.consume(token, { scope: 'tts' }))).toBe('403 INSUFFICIENT_SCOPE');
    expect(await outcome(streams.consume(token, { scope: null }))).toBe('403 INSUFFICIENT_SCOPE');
    expect(await outcome(streams.consume(token, { scope: 'transcribe' }))).toBe('ok');
  });

  it("the owner's suspension refuses it (403) without spending it; after unsuspension it is accepted", async () => {
    const u = await createUser(t);
    const { token } = await mint({ 'X-API-Key': u.apiKey }, { scope: 'translate' });
    await t.http.post(`/auth/admin/users/${u.id}/suspend`).set(admin.auth).send({ reason: 'test' }).expect(200);
    expect(await outcome(streams.consume(token, { scope: 'translate' }))).toBe('403 ACCOUNT_SUSPENDED');
    await t.http.post(`/auth/admin/users/${u.id}/unsuspend`).set(admin.auth).expect(200);
    const principal = await streams.consume(token, { scope: 'translate' });
    expect(principal.sessionId).toBeUndefined();
    expect(principal.user.id).toBe(u.id);
  });

  it("the parent session's revocation refuses it (401)", async () => {
    const u = await createUser(t);
    const { token } = await mint(u.auth);
    await t.http.post('/auth/logout').set(u.auth).send({}).expect(204);
    expect(await outcome(streams.consume(token, { scope: 'transcribe' }))).toBe('401 INVALID_TOKEN');
  });

  it('expired, tampered, another type, or its owner deleted: 401', async () => {
    const u = await createUser(t);
    const { token } = await mint(u.auth, { scope: 'transcribe', ttl_seconds: 5 });
    const tampered = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    expect(await outcome(streams.consume(tampered, { scope: 'transcribe' }))).toBe('401 INVALID_TOKEN');
    expect(await outcome(streams.consume(u.accessToken, { scope: 'transcribe' }))).toBe('401 INVALID_TOKEN');
    expect(await outcome(streams.consume('', { scope: 'transcribe' }))).toBe('401 INVALID_TOKEN');
    t.clock.advance(6000);
    expect(await outcome(streams.consume(token, { scope: 'transcribe' }))).toBe('401 INVALID_TOKEN');
    const v = await createUser(t);
    const other = await mint({ 'X-API-Key': v.apiKey });
    await t.http.delete(`/auth/admin/users/${v.id}`).set(admin.auth).expect(204);
    expect(await outcome(streams.consume(other.token, { scope: 'transcribe' }))).toBe('401 INVALID_TOKEN');
  });
});

describe('stream tokens with Redis: one use across instances', () => {
  const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/12';
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // Two instances of one deployment: one database, one Redis, one SECRET_KEY.
    const env = { REDIS_URL: REDIS, SECRET_KEY: 'stream-token-test-secret-' + randomBytes(16).toString('hex') };
    a = await createTestApp({ env });
    b = await createTestApp({ env, databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('used on A, refused on B; used on both at once, accepted by exactly one', async () => {
    const u = await createUser(a);
    const mint = async () =>
      (await a.http.post('/auth/stream-token').set(u.auth).send({ scope: 'transcribe' }).expect(201)).body.token;
    const first = await mint();
    recordSecret(first);
    const sa = a.get(StreamTokenService);
    const sb = b.get(StreamTokenService);
    await sa.consume(first, { scope: 'transcribe' });
    expect(await outcome(sb.consume(first, { scope: 'transcribe' }))).toBe('401 STREAM_TOKEN_USED');
    const second = await mint();
    recordSecret(second);
    const both = await Promise.all([
      outcome(sa.consume(second, { scope: 'transcribe' })),
      outcome(sb.consume(second, { scope: 'transcribe' })),
    ]);
    expect(both.sort()).toEqual(['401 STREAM_TOKEN_USED', 'ok']);
  });
});
