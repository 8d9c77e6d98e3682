import { calculateJwkThumbprint, createRemoteJWKSet, decodeProtectedHeader, errors, JWK, jwtVerify } from 'jose';
import {
  createHmac,
  createPrivateKey,
  randomBytes,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
} from 'node:crypto';
import { SigningKey } from '../../src/signing-keys/entities/signing-key.entity';
import {
  RETIREMENT_MARGIN_MS,
  SIGNING_KEYS_REFRESH_MS,
  SigningKeyService,
} from '../../src/signing-keys/signing-key.service';
import { signCompact } from '../../src/signing-keys/jws';
import { MultiFernet } from '../../src/service-keys/fernet';
import { createTestApp, TEST_ENCRYPTION_KEY, TestApp } from '../app.factory';
import { createUser } from '../factories/user.factory';
import { recordSecret } from '../security/secrets';

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
const claimsFor = (u: { id: string; sessionId: string }, t: TestApp, extra: object = {}) => {
  const iat = Math.floor(t.clock.now() / 1000);
  return {
    sub: u.id,
    sid: u.sessionId,
    jti: '6a1f1e1c-9b5e-4b8e-9d55-2d3c4b5a6f70',
    type: 'access',
    role: 'user',
    iat,
    exp: iat + 600,
    iss: 'voicegate',
    ...extra,
  };
};

describe.each(['EdDSA', 'ES256', 'RS256'] as const)('ALGORITHM=%s: tokens signed with a key pair', (alg) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ALGORITHM: alg } });
  });
  afterAll(() => t.close());

  it('JWKS lists the current and the next key (kid = RFC 7638 thumbprint), cacheable for five minutes', async () => {
    const res = await t.http.get('/.well-known/jwks.json').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body.keys).toHaveLength(2);
    for (const jwk of res.body.keys as JWK[]) {
      expect(jwk).toMatchObject({ alg, use: 'sig' });
      expect(jwk).not.toHaveProperty('d'); // never a private member
      const { kid, alg: _a, use: _u, ...members } = jwk;
      expect(kid).toBe(await calculateJwkThumbprint(members as JWK, 'sha256'));
    }
    expect((await t.http.get('/api/.well-known/jwks.json').expect(200)).body).toEqual(res.body);
  });

  it('a session signs with the current key: the header names alg and kid, and the API accepts it', async () => {
    const u = await createUser(t);
    const header = decodeProtectedHeader(u.accessToken);
    const keys = t.get(SigningKeyService);
    expect(header).toEqual({ alg, typ: 'JWT', kid: keys.currentKid });
    await t.http.get('/auth/me').set(u.auth).expect(200);
    const refreshed = await t.http.post('/auth/refresh').send({ refresh_token: u.refreshToken }).expect(200);
    await t.http.get('/auth/me').set('Authorization', `Bearer ${refreshed.body.access_token}`).expect(200);
  });

  it('the private half is stored encrypted with ENCRYPTION_KEY (Fernet) and matches the published key', async () => {
    const rows = await t.dataSource.getRepository(SigningKey).find();
    expect(rows.map((r) => r.state).sort()).toEqual(['current', 'next']);
    for (const row of rows) {
      expect(row.encryptedPrivateKey).not.toMatch(/PRIVATE KEY/);
      const der = MultiFernet.fromKeys([TEST_ENCRYPTION_KEY]).decrypt(row.encryptedPrivateKey!);
      const pub = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
      expect(pub.export({ format: 'jwk' })).toEqual(JSON.parse(row.publicJwk));
    }
  });
});

describe('ALGORITHM=EdDSA: verification pins the algorithm and the key', () => {
  let t: TestApp;
  let u: Awaited<ReturnType<typeof createUser>>;
  let current: JWK;
  beforeAll(async () => {
    t = await createTestApp({ env: { ALGORITHM: 'EdDSA' } });
    u = await createUser(t);
    const kid = t.get(SigningKeyService).currentKid;
    current = (await t.http.get('/.well-known/jwks.json')).body.keys.find((k: JWK) => k.kid === kid);
  });
  afterAll(() => t.close());

  const refused = async (token: string) => {
    const res = await t.http.get('/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  };
  const hs256 = (secret: string | Buffer | KeyObject, header: object, claims: object) => {
    const input = `${b64(header)}.${b64(claims)}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };

  it('a well-formed token of its own is accepted (the forgeries below differ in one thing each)', async () => {
    const token = t.get(SigningKeyService).sign(claimsFor(u, t));
    await t.http.get('/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('HS256 signed with the public key as the secret (PEM, JWK text, raw x) is refused', async () => {
    const pub = createPublicKey({ key: current, format: 'jwk' });
    const pem = pub.export({ format: 'pem', type: 'spki' }) as string;
    const header = { alg: 'HS256', typ: 'JWT', kid: current.kid };
    for (const secret of [pem, JSON.stringify(current), Buffer.from(current.x!, 'base64url')])
      await refused(hs256(secret, header, claimsFor(u, t)));
  });

  it('HS256 signed with SECRET_KEY is refused once the algorithm is asymmetric', async () => {
    await refused(hs256(t.config.jwt.secret, { alg: 'HS256', typ: 'JWT' }, claimsFor(u, t)));
  });

  it('alg "none" (with and without a kid) is refused', async () => {
    for (const header of [
      { alg: 'none', typ: 'JWT' },
      { alg: 'none', kid: current.kid },
    ])
      await refused(`${b64(header)}.${b64(claimsFor(u, t))}.`);
  });

  it('an unknown kid, a missing kid, and another key under the current kid are refused', async () => {
    const stranger = generateKeyPairSync('ed25519').privateKey;
    await refused(signCompact('EdDSA', stranger, claimsFor(u, t), 'not-a-published-kid'));
    await refused(signCompact('EdDSA', stranger, claimsFor(u, t)));
    await refused(signCompact('EdDSA', stranger, claimsFor(u, t), current.kid));
  });

  it('a header claiming another asymmetric algorithm for the kid is refused', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await refused(signCompact('ES256', ec, claimsFor(u, t), current.kid));
    const input = `${b64({ alg: 'ES256', kid: current.kid })}.${b64(claimsFor(u, t))}`;
    await refused(
      `${input}.${sign('sha256', Buffer.from(input), { key: ec, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`,
    );
  });

  it('a refresh token forged the same ways is refused at /auth/token', async () => {
    const claims = claimsFor(u, t, { type: 'refresh' });
    const pem = createPublicKey({ key: current, format: 'jwk' }).export({ format: 'pem', type: 'spki' }) as string;
    for (const token of [
      hs256(pem, { alg: 'HS256', kid: current.kid }, claims),
      `${b64({ alg: 'none' })}.${b64(claims)}.`,
    ]) {
      const res = await t.http
        .post('/auth/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: token });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_grant');
    }
  });
});

describe('ALGORITHM=HS256 (default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('the key set is empty and no signing key is created', async () => {
    const res = await t.http.get('/.well-known/jwks.json').expect(200);
    expect(res.body).toEqual({ keys: [] });
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(await t.dataSource.getRepository(SigningKey).count()).toBe(0);
  });

  it('an EdDSA token is refused, and tokens are HS256 as before', async () => {
    const u = await createUser(t);
    expect(decodeProtectedHeader(u.accessToken)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const key = generateKeyPairSync('ed25519').privateKey;
    await t.http
      .get('/auth/me')
      .set('Authorization', `Bearer ${signCompact('EdDSA', key, claimsFor(u, t), 'k')}`)
      .expect(401);
  });

  it('rotate-signing-key is refused (409) under HS*', async () => {
    await expect(t.get(SigningKeyService).rotate()).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('ALGORITHM=EdDSA: rotation, seen by a separate service through the JWKS (jose createRemoteJWKSet)', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp({
      env: { ALGORITHM: 'EdDSA', ACCESS_TOKEN_EXPIRE_MINUTES: '15', REFRESH_TOKEN_EXPIRE_DAYS: '1' },
    });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => t.close());

  it('verifies before and after a rotation, keeps the retired key until its tokens expired, then refuses it', async () => {
    const keys = t.get(SigningKeyService);
    const verifier = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
    const verify = (token: string, set = verifier) =>
      jwtVerify(token, set, { issuer: 'voicegate', algorithms: ['EdDSA'], currentDate: t.clock.date() });

    const before = await createUser(t);
    const k1 = keys.currentKid!;
    const next = keys.published().find((k) => k.state === 'next')!.kid;
    expect((await verify(before.accessToken)).payload).toMatchObject({ sub: before.id, type: 'access' });
    // A token of the first key that would outlive its retirement: what must be refused after it.
    const longLived = keys.sign(claimsFor(before, t, { exp: Math.floor(t.clock.now() / 1000) + 10 * 86400 }));

    const outcome = (await keys.rotate())!;
    expect(outcome).toEqual({ retired: k1, current: next, next: expect.any(String) });
    const after = await createUser(t);
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(next);
    // The verifier's cached set already held the promoted key: it was published as `next`.
    expect((await verify(after.accessToken)).payload.sub).toBe(after.id);
    expect((await verify(before.accessToken)).payload.sub).toBe(before.id);
    await t.http.get('/auth/me').set(before.auth).expect(200);
    // The refresh token of the retired key still works (it was signed before the rotation, it has not expired).
    await t.http.post('/auth/refresh').send({ refresh_token: before.refreshToken }).expect(200);
    const published = (await t.http.get('/.well-known/jwks.json')).body.keys.map((k: JWK) => k.kid);
    expect(published).toEqual([next, outcome.next, k1]);
    expect((await t.dataSource.getRepository(SigningKey).findOneByOrFail({ kid: k1 })).encryptedPrivateKey).toBeNull();

    // Every token the first key signed has expired (refresh lifetime + margin): it is neither published nor accepted.
    t.clock.advance(86400_000 + RETIREMENT_MARGIN_MS + 1000);
    const later = (await t.http.get('/.well-known/jwks.json')).body.keys.map((k: JWK) => k.kid);
    expect(later).toEqual([next, outcome.next]);
    await t.http.get('/auth/me').set('Authorization', `Bearer ${longLived}`).expect(401);
    const fresh = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
    await expect(verify(longLived, fresh)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it('automatic rotation: due after SIGNING_KEY_ROTATION_DAYS, done once however many instances try', async () => {
    const keys = t.get(SigningKeyService);
    const before = keys.currentKid!;
    await keys.tick();
    expect(keys.currentKid).toBe(before); // not due yet
    t.clock.advance(90 * 86400_000);
    await Promise.all([keys.tick(), keys.tick(), keys.rotate({ ifCurrent: before })]);
    expect(keys.currentKid).not.toBe(before);
    const rows = await t.dataSource.getRepository(SigningKey).find();
    expect(rows.filter((r) => r.state === 'current')).toHaveLength(1);
    expect(rows.filter((r) => r.state === 'next')).toHaveLength(1);
    expect(rows.find((r) => r.kid === before)!.state).toBe('retired');
  });
});

describe('ALGORITHM=EdDSA without Redis: another instance picks a rotation up by itself', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { ALGORITHM: 'EdDSA', SECRET_KEY: 'signing-keys-test-secret-' + randomBytes(16).toString('hex') };
    a = await createTestApp({ env });
    b = await createTestApp({ env, databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('B re-reads the table within a minute, and at once for a kid it does not know', async () => {
    expect(SIGNING_KEYS_REFRESH_MS).toBeLessThanOrEqual(60_000);
    const ka = a.get(SigningKeyService);
    const kb = b.get(SigningKeyService);
    expect(kb.currentKid).toBe(ka.currentKid);
    const u = await createUser(a);
    // Two rotations on A: A's current key was created after B last read the table.
    await ka.rotate();
    await ka.rotate();
    expect(kb.currentKid).not.toBe(ka.currentKid);
    b.clock.advance(10_000); // past the unknown-kid re-read interval
    const fresh = await a.http.post('/auth/refresh').send({ refresh_token: u.refreshToken }).expect(200);
    recordSecret(fresh.body.access_token, fresh.body.refresh_token);
    expect(decodeProtectedHeader(fresh.body.access_token).kid).toBe(ka.currentKid);
    await b.http.get('/auth/me').set('Authorization', `Bearer ${fresh.body.access_token}`).expect(200);
    await kb.tick(); // what B's timer runs every SIGNING_KEYS_REFRESH_MS
    expect(kb.currentKid).toBe(ka.currentKid);
    expect((await b.http.get('/.well-known/jwks.json')).body).toEqual(
      (await a.http.get('/.well-known/jwks.json')).body,
    );
  });
});
