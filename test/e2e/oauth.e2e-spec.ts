import * as client from 'openid-client';
import { Principal } from '../../src/common/principal';
import { mayIntrospect } from '../../src/common/scopes';
import { StreamTokenService } from '../../src/stream-tokens/stream-token.service';
import { Role } from '../../src/users/users.enums';
import { freePort } from '../support/infrastructure';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';
import { recordSecret } from '../security/secrets';

describe.each(['HS256', 'EdDSA'] as const)('OAuth introspection (RFC 7662) and revocation (RFC 7009), %s', (alg) => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ env: { ALGORITHM: alg } });
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  // The admin calls with its API key: the tests move the clock past access tokens' lifetime.
  const adminKey = () => ({ 'X-API-Key': admin.apiKey });
  const introspect = (token: string, auth: Record<string, string> = adminKey()) =>
    t.http.post('/oauth/introspect').set(auth).type('form').send({ token });
  const revoke = (token: string) => t.http.post('/oauth/revoke').type('form').send({ token });
  const streamToken = async (u: TestUser, scope = 'transcribe') => {
    const token = (await t.http.post('/auth/stream-token').set(u.auth).send({ scope }).expect(201)).body.token;
    recordSecret(token);
    return token as string;
  };

  describe('introspection', () => {
    it('needs authentication (401) and an admin or the introspect scope (403 insufficient_scope)', async () => {
      const u = await createUser(t);
      await t.http.post('/oauth/introspect').type('form').send({ token: u.accessToken }).expect(401);
      const res = await introspect(u.accessToken, u.auth).expect(403);
      expect(res.body.code).toBe('INSUFFICIENT_SCOPE');
      expect(res.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="introspect"');
      await introspect(u.accessToken, { 'X-API-Key': u.apiKey }).expect(403);
      await introspect(u.accessToken, { 'X-API-Key': admin.apiKey }).expect(200);
      // A stream token is no credential here either.
      await introspect(u.accessToken, { Authorization: `Bearer ${await streamToken(admin)}` }).expect(401);
    });

    it('a key holding introspect may, one narrowed to other scopes may not (scopes of the keys issue)', () => {
      const user = { id: 'u', role: Role.User } as Principal['user'];
      const adminUser = { id: 'a', role: Role.Admin } as Principal['user'];
      const as = (u: Principal['user'], scopes?: string[]) => ({ user: u, via: 'api_key', scopes }) as Principal;
      expect(mayIntrospect(as(adminUser))).toBe(true);
      expect(mayIntrospect(as(user))).toBe(false);
      expect(mayIntrospect(as(user, ['introspect']))).toBe(true);
      expect(mayIntrospect(as(adminUser, ['admin']))).toBe(true);
      expect(mayIntrospect(as(adminUser, ['profile:read']))).toBe(false);
      expect(mayIntrospect(as(user, ['admin', 'profile:read']))).toBe(false);
    });

    it('a live access token: active with sub, username, scope, token_type, exp, iat, sid', async () => {
      const u = await createUser(t);
      const res = await introspect(u.accessToken).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        active: true,
        sub: u.id,
        username: u.username,
        scope: expect.stringContaining('transcribe'),
        token_type: 'access_token',
        exp: expect.any(Number),
        iat: expect.any(Number),
        sid: u.sessionId,
        iss: 'voicegate',
      });
      expect(res.body.scope.split(' ')).not.toContain('introspect'); // a user holds neither admin nor introspect
      expect((await introspect(admin.accessToken)).body.scope.split(' ')).toContain('introspect');
      // JSON bodies work as well as forms.
      const json = await t.http.post('/oauth/introspect').set(admin.auth).send({ token: u.accessToken }).expect(200);
      expect(json.body.active).toBe(true);
    });

    it('a refresh token is active while it is its session’s current one; a superseded one is not', async () => {
      const u = await createUser(t);
      expect((await introspect(u.refreshToken)).body).toMatchObject({ active: true, token_type: 'refresh_token' });
      const next = await t.http.post('/auth/refresh').send({ refresh_token: u.refreshToken }).expect(200);
      recordSecret(next.body.refresh_token, next.body.access_token);
      expect((await introspect(u.refreshToken)).body).toEqual({ active: false });
      expect((await introspect(next.body.refresh_token)).body.active).toBe(true);
    });

    it('an API key and a stream token (until it is used)', async () => {
      const u = await createUser(t);
      expect((await introspect(u.apiKey)).body).toMatchObject({
        active: true,
        sub: u.id,
        username: u.username,
        token_type: 'api_key',
        iat: expect.any(Number),
      });
      const token = await streamToken(u, 'tts');
      expect((await introspect(token)).body).toMatchObject({
        active: true,
        sub: u.id,
        scope: 'tts',
        token_type: 'stream_token',
        sid: u.sessionId,
      });
      await t.get(StreamTokenService).consume(token, { scope: 'tts' });
      expect((await introspect(token)).body).toEqual({ active: false });
    });

    it('only {active:false} for anything not live: revoked, expired, suspended, unknown, malformed, forged', async () => {
      const u = await createUser(t);
      const v = await createUser(t);
      const w = await createUser(t);
      const stream = await streamToken(w);
      await t.http.post('/auth/logout').set(u.auth).send({}).expect(204);
      await t.http.post(`/auth/admin/users/${v.id}/suspend`).set(adminKey()).send({ reason: 'x' }).expect(200);
      const [h, p] = w.accessToken.split('.');
      for (const token of [
        u.accessToken,
        u.refreshToken,
        v.accessToken,
        v.apiKey,
        'tk_' + 'A'.repeat(43),
        'not.a.token',
        'x'.repeat(5000),
        `${h}.${p}.${'A'.repeat(43)}`,
      ])
        expect((await introspect(token).expect(200)).body).toEqual({ active: false });
      t.clock.advance(31 * 60_000); // past the access token's and the stream token's lifetime
      expect((await introspect(w.accessToken)).body).toEqual({ active: false });
      expect((await introspect(stream)).body).toEqual({ active: false });
      expect((await introspect(w.refreshToken)).body.active).toBe(true);
    });

    it('a request without a token, or with unknown parameters, is a 422', async () => {
      for (const body of [{}, { token: '' }, { token: 'x', is_admin: 'true' }]) {
        const res = await t.http.post('/oauth/introspect').set(adminKey()).type('form').send(body).expect(422);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      // OAuth clients' client_id and the hint are accepted.
      const ok = { token: 'x', token_type_hint: 'access_token', client_id: 'svc' };
      expect((await t.http.post('/oauth/introspect').set(adminKey()).type('form').send(ok).expect(200)).body).toEqual({
        active: false,
      });
    });
  });

  describe('revocation', () => {
    it('a refresh token ends its session: its access and refresh tokens stop working at once', async () => {
      const u = await createUser(t);
      const res = await revoke(u.refreshToken).expect(200);
      expect(res.body).toEqual({});
      await t.http.get('/auth/me').set(u.auth).expect(401);
      await t.http.post('/auth/refresh').send({ refresh_token: u.refreshToken }).expect(401);
    });

    it('an access token ends its session', async () => {
      const u = await createUser(t);
      await revoke(u.accessToken).expect(200);
      await t.http.get('/auth/me').set(u.auth).expect(401);
      await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200); // the key is another credential
    });

    it('an API key is deleted (whoever found it can kill it); the owner’s sessions go on', async () => {
      const u = await createUser(t);
      await revoke(u.apiKey).expect(200);
      await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(401);
      const me = await t.http.get('/auth/me').set(u.auth).expect(200);
      expect(me.body.api_key_prefix).toBeNull();
    });

    it('a stream token is spent', async () => {
      const u = await createUser(t);
      const token = await streamToken(u);
      await revoke(token).expect(200);
      await expect(t.get(StreamTokenService).consume(token, { scope: 'transcribe' })).rejects.toMatchObject({
        code: 'STREAM_TOKEN_USED',
      });
    });

    it('200 for anything else, changing nothing: unknown, malformed, forged with a real session id', async () => {
      const u = await createUser(t);
      const [h, p] = u.accessToken.split('.');
      for (const token of ['tk_' + 'B'.repeat(43), 'garbage', `${h}.${p}.${'A'.repeat(43)}`, `${h}.${p}.`])
        await revoke(token).expect(200);
      await t.http.get('/auth/me').set(u.auth).expect(200);
      await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200);
      await t.http.post('/oauth/revoke').type('form').send({}).expect(422);
    });

    it('revoking twice, or in parallel, is harmless', async () => {
      const u = await createUser(t);
      const all = await Promise.all(Array.from({ length: 5 }, () => revoke(u.refreshToken)));
      expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      await t.http.get('/auth/me').set(u.auth).expect(401);
    });
  });
});

describe('discovery, seen by openid-client against the running server', () => {
  let t: TestApp;
  let issuer: string;
  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await createTestApp({ env: { ALGORITHM: 'EdDSA', JWT_ISSUER: issuer } });
    await t.app.listen(port, '127.0.0.1');
  });
  afterAll(() => t.close());

  it('openid-client discovers the issuer, the JWKS and the endpoints, and revokes and introspects through them', async () => {
    const admin = await createAdmin(t);
    const u = await createUser(t);
    const config = await client.discovery(new URL(issuer), 'speech-service', undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const meta = config.serverMetadata();
    expect(meta).toMatchObject({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      token_endpoint: `${issuer}/auth/token`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      grant_types_supported: expect.arrayContaining(['password', 'refresh_token']),
      scopes_supported: expect.arrayContaining(['transcribe', 'introspect']),
      id_token_signing_alg_values_supported: ['EdDSA'],
      token_endpoint_auth_methods_supported: ['none'],
    });
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    // The tokens' iss is the issuer.
    expect(JSON.parse(Buffer.from(u.accessToken.split('.')[1], 'base64url').toString()).iss).toBe(issuer);

    // A resource server introspects with its key (an admin's here), through the discovered endpoint.
    const withKey = await client.discovery(
      new URL(issuer),
      'speech-service',
      undefined,
      (_as, _client, _body, headers) => headers.set('x-api-key', admin.apiKey),
      { execute: [client.allowInsecureRequests] },
    );
    const live = await client.tokenIntrospection(withKey, u.accessToken);
    expect(live).toMatchObject({ active: true, sub: u.id, username: u.username, token_type: 'access_token' });

    await client.tokenRevocation(config, u.refreshToken);
    expect((await client.tokenIntrospection(withKey, u.accessToken)).active).toBe(false);
    await t.http.get('/auth/me').set(u.auth).expect(401);
  });

  it('under a non-URL issuer the endpoints are given at the address the client used', async () => {
    const other = await createTestApp();
    try {
      const res = await other.http
        .get('/.well-known/openid-configuration')
        .set('Host', 'auth.example.test')
        .expect(200);
      expect(res.body.issuer).toBe('voicegate');
      expect(res.body.jwks_uri).toBe('http://auth.example.test/.well-known/jwks.json');
      expect(res.body.id_token_signing_alg_values_supported).toEqual(['HS256']);
    } finally {
      await other.close();
    }
  });
});
