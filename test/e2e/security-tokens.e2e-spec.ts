import { EventEmitter2 } from '@nestjs/event-emitter';
import { createHmac, generateKeyPairSync, randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../../src/audit/audit.events';
import { MAX_CLOCK_SKEW_SECONDS } from '../../src/auth/token.service';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';

/**
 * Token attacks beyond test/e2e/auth.e2e-spec.ts (which covers alg none, another secret, HS512 with the right
 * secret, wrong issuer, a tampered payload, a refresh token as access token, garbage, expiry, a deleted user's
 * token and the other sessions' access tokens after a password change). Every forged token here is signed with
 * the real secret unless the attack is the signature itself, so each is refused for the reason it names.
 */
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const hmac = (alg: 'sha256' | 'sha384', secret: string, data: string) =>
  createHmac(alg, secret).update(data).digest('base64url');

describe('token attacks (issue #13)', () => {
  let t: TestApp;
  let u: TestUser;
  let other: TestUser;
  let secret: string;
  beforeAll(async () => {
    t = await createTestApp();
    secret = t.config.jwt.secret;
    u = await createUser(t);
    other = await createUser(t);
  });
  afterAll(() => t.close());

  const now = () => Math.floor(t.clock.now() / 1000);
  const claims = (over: Record<string, unknown> = {}) => ({
    sub: u.id,
    sid: u.sessionId,
    jti: randomUUID(),
    type: 'access',
    role: 'user',
    iss: 'voicegate',
    iat: now(),
    exp: now() + 600,
    ...over,
  });
  const sign = (c: Record<string, unknown>, opts: jwt.SignOptions = {}) =>
    jwt.sign(c, secret, { algorithm: 'HS256', ...opts });
  /** Signed by hand (HMAC-SHA256 with the real secret), for claims jsonwebtoken would not sign as given. */
  const raw = (header: object, c: object, key = secret) => {
    const hp = `${b64url(header)}.${b64url(c)}`;
    return `${hp}.${hmac('sha256', key, hp)}`;
  };
  const without = (key: string) => {
    const c: Record<string, unknown> = claims();
    delete c[key];
    return c;
  };
  const me = (token: string) => t.http.get('/auth/me').set('Authorization', `Bearer ${token}`);

  it('control: a token made here with the real secret and every claim right is accepted', async () => {
    await me(sign(claims())).expect(200);
    await me(raw({ alg: 'HS256', typ: 'JWT' }, claims())).expect(200);
  });

  it.each([
    [
      'RS256 header, HMAC-SHA256 signature with the secret (key confusion)',
      () => raw({ alg: 'RS256', typ: 'JWT' }, claims()),
    ],
    [
      'RS256 signed with an RSA key (asymmetric algorithms refused)',
      () =>
        jwt.sign(claims(), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, {
          algorithm: 'RS256',
          noTimestamp: true,
        }),
    ],
    ['HS384 with the right secret (algorithm pinned to HS256)', () => sign(claims(), { algorithm: 'HS384' })],
    ['alg "hs256" in lower case', () => raw({ alg: 'hs256', typ: 'JWT' }, claims())],
    [
      'alg "None" with the original signature',
      () => {
        const [, p, s] = sign(claims()).split('.');
        return `${b64url({ alg: 'None', typ: 'JWT' })}.${p}.${s}`;
      },
    ],
    [
      'kid header pointing at a file, signed with an empty key',
      () => raw({ alg: 'HS256', typ: 'JWT', kid: '../../../../dev/null' }, claims(), ''),
    ],
    ['nbf an hour in the future (not yet valid)', () => sign(claims({ nbf: Math.floor(Date.now() / 1000) + 3600 }))],
    [
      `iat a day in the future (more than ${MAX_CLOCK_SKEW_SECONDS} s of clock skew)`,
      () => sign(claims({ iat: now() + 86_400, exp: now() + 86_400 + 600 })),
    ],
    ['no iat', () => raw({ alg: 'HS256', typ: 'JWT' }, without('iat'))],
    ['no exp', () => raw({ alg: 'HS256', typ: 'JWT' }, without('exp'))],
    ['exp as a string', () => raw({ alg: 'HS256', typ: 'JWT' }, claims({ exp: String(now() + 600) }))],
    ['no type', () => sign(without('type'))],
    ['type "admin"', () => sign(claims({ type: 'admin' }))],
    ['no sid', () => sign(without('sid'))],
    ["another user's session id with my own sub", () => sign(claims({ sid: other.sessionId }))],
    ["another user's sub with my own session id", () => sign(claims({ sub: other.id }))],
    ['the sub of no user', () => sign(claims({ sub: randomUUID() }))],
    ['a session id that is not a uuid', () => sign(claims({ sid: "' OR 1=1 --" }))],
    ['a sub that is not a uuid', () => sign(claims({ sub: '../../etc/passwd' }))],
  ])('%s → 401 invalid_token', async (_name, make) => {
    const res = await me(make()).expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.body.code).toBe('INVALID_TOKEN');
  });

  it('iat within the allowed clock skew is accepted (another instance a little ahead)', async () => {
    await me(sign(claims({ iat: now() + MAX_CLOCK_SKEW_SECONDS - 5 }))).expect(200);
  });

  it('a role claim of "admin" on a user\'s token changes nothing: the stored role decides (403 on admin routes)', async () => {
    const token = sign(claims({ role: 'admin' }));
    expect((await me(token).expect(200)).body.role).toBe('user');
    expect((await t.http.get('/auth/admin/users').set('Authorization', `Bearer ${token}`).expect(403)).body.code).toBe(
      'FORBIDDEN',
    );
  });

  it('?api_key= authenticates on routes that validate their query string too (it is not an unknown parameter)', async () => {
    for (const path of ['/jobs', '/auth/login-history', '/auth/security-events?page=1', '/api-keys?service=openai']) {
      const res = await t.http.get(`${path}${path.includes('?') ? '&' : '?'}api_key=${u.apiKey}`);
      expect([path, res.status]).toEqual([path, 200]);
    }
    const admin = await createAdmin(t);
    await t.http.get(`/auth/admin/users?search=x&api_key=${admin.apiKey}`).expect(200);
  });

  describe('refresh tokens', () => {
    const refresh = (token: string) => t.http.post('/auth/refresh').send({ refresh_token: token });

    it('an access token is not a refresh token → 401 invalid_grant', async () => {
      const res = await refresh(u.accessToken).expect(401);
      expect(res.body.error).toBe('invalid_grant');
    });

    // Each forged from a fresh session's real refresh token (same sid and jti), so only the named flaw refuses it.
    it.each([
      [
        'iat a day in the future',
        (c: Record<string, unknown>) => sign({ ...c, iat: now() + 86_400, exp: now() + 86_400 + 600 }),
      ],
      [
        'no iat',
        (c: Record<string, unknown>) => {
          const { iat: _iat, ...rest } = c;
          return raw({ alg: 'HS256', typ: 'JWT' }, rest);
        },
      ],
      ['HS512 with the right secret', (c: Record<string, unknown>) => sign(c, { algorithm: 'HS512' })],
      ['alg none', (c: Record<string, unknown>) => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(c)}.`],
      ['a session id that is not a uuid', (c: Record<string, unknown>) => sign({ ...c, sid: "' OR 1=1 --" })],
      ['a sub that is not a uuid', (c: Record<string, unknown>) => sign({ ...c, sub: 'x'.repeat(40) })],
    ])('%s → 401 invalid_grant', async (_name, forge) => {
      const v = await createUser(t);
      const real = jwt.decode(v.refreshToken) as Record<string, unknown>;
      await refresh(raw({ alg: 'HS256', typ: 'JWT' }, { ...real })).expect(200); // control: re-signed as is, it rotates
      const w = await createUser(t);
      expect((await refresh(forge(jwt.decode(w.refreshToken) as Record<string, unknown>)).expect(401)).body.error).toBe(
        'invalid_grant',
      );
    });

    it("my sub with another user's session id → 401, and their session lives on", async () => {
      const victim = await createUser(t);
      const forged = sign(claims({ type: 'refresh', sid: victim.sessionId, exp: now() + 3600 }));
      await refresh(forged).expect(401);
      await me(victim.accessToken).expect(200);
      await refresh(victim.refreshToken).expect(200);
    });

    it("after a password change, the other sessions' refresh tokens are refused too (this session's still works)", async () => {
      const v = await createUser(t);
      const second = await t.http.post('/auth/login').send({ username: v.username, password: v.password }).expect(200);
      await t.http
        .post('/auth/change-password')
        .set(v.auth)
        .send({ current_password: v.password, new_password: `New-${randomUUID()}` })
        .expect(204);
      expect((await refresh(second.body.tokens.refresh_token).expect(401)).body.error).toBe('invalid_grant');
      await refresh(v.refreshToken).expect(200);
    });
  });
});

describe('API-key guessing is limited per IP (RATE_LIMIT_ENABLED=true)', () => {
  const ANON_LIMIT = 5;
  let t: TestApp;
  const events: SecurityEventInput[] = [];
  beforeAll(async () => {
    t = await createTestApp({
      env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_ANON_PER_MINUTE: String(ANON_LIMIT), TRUST_PROXY: 'true' },
    });
    t.get(EventEmitter2).on(SECURITY_EVENT, (e: SecurityEventInput) => events.push(e));
  });
  afterAll(() => t.close());

  const ip = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
  const wrongKey = () => `tk_${randomUUID().replace(/-/g, '')}guess`;

  it(`wrong keys from one IP: ${ANON_LIMIT} answered 401, then 429 with Retry-After, audited once; other IPs and real keys unaffected`, async () => {
    const attacker = ip();
    const u = await createUser(t);
    const guesses: string[] = [];
    const ways = [
      (k: string) => t.http.get('/auth/me').set('X-Forwarded-For', attacker).set('X-API-Key', k),
      (k: string) => t.http.get('/jobs').set('X-Forwarded-For', attacker).set('Authorization', `Bearer ${k}`),
      (k: string) => t.http.get(`/api-keys?api_key=${k}`).set('X-Forwarded-For', attacker),
    ];
    for (let i = 0; i < ANON_LIMIT; i++) {
      const k = wrongKey();
      guesses.push(k);
      const res = await ways[i % ways.length](k).expect(401);
      expect(res.body.code).toBe('INVALID_API_KEY');
      expect(res.headers['x-ratelimit-remaining']).toBe(String(ANON_LIMIT - 1 - i));
    }
    const blocked = await ways[0](wrongKey()).expect(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await ways[2](wrongKey()).expect(429);
    // The attacker's IP is spent, nobody else's: another IP still gets its 401, the real key works from anywhere.
    await t.http.get('/auth/me').set('X-Forwarded-For', ip()).set('X-API-Key', wrongKey()).expect(401);
    await t.http.get('/auth/me').set('X-Forwarded-For', attacker).set('X-API-Key', u.apiKey).expect(200);

    await new Promise((r) => setImmediate(r));
    const audited = events.filter((e) => e.type === SecurityEventType.RateLimited && e.meta?.ip === attacker);
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      userId: null,
      severity: 'warning',
      details: { identity: 'ip', window: 'minute', limit: ANON_LIMIT },
    });

    // Logged: one request line per attempt with its status; the guessed keys themselves never.
    await new Promise((r) => setTimeout(r, 50)); // pino writes asynchronously
    const lines = readFileSync(t.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"msg":"request"'))
      .map((l) => JSON.parse(l) as { status: number; url: string });
    expect(lines.filter((l) => l.status === 401).length).toBeGreaterThanOrEqual(ANON_LIMIT);
    expect(lines.filter((l) => l.status === 429).length).toBeGreaterThanOrEqual(2);
    const log = readFileSync(t.logFile, 'utf8');
    for (const k of guesses) expect(log).not.toContain(k);
  });

  it('a bad JWT spends the same budget', async () => {
    const attacker = ip();
    for (let i = 0; i < ANON_LIMIT; i++)
      await t.http
        .get('/auth/me')
        .set('X-Forwarded-For', attacker)
        .set('Authorization', `Bearer ${randomUUID()}.x.y`)
        .expect(401);
    await t.http.get('/auth/me').set('X-Forwarded-For', attacker).set('Authorization', 'Bearer a.b.c').expect(429);
  });
});
