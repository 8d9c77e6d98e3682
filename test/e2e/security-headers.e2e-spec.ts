import { Response } from 'supertest';
import { ADMIN_UI_CSP } from '../../src/admin/admin-ui';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser } from '../factories/user.factory';

/**
 * Response headers (issues #13, #14): OWASP's REST set on every JSON answer (`Cache-Control: no-store` included),
 * helmet's
 * document headers on the pages only, and CORS for exact origins only.
 */
describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /** What every API answer carries, success or problem. */
  function expectApiHeaders(res: Response): void {
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(String(res.headers['cache-control'])).toMatch(/\bno-store\b/);
    // JSON is never a document: nothing may load or frame from it (no page directives merged in).
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers['x-request-id']).toBeTruthy();
    // helmet's document-only headers are for the pages.
    for (const page of DOCUMENT_ONLY) expect(res.headers).not.toHaveProperty(page);
  }

  const DOCUMENT_ONLY = [
    'cross-origin-opener-policy',
    'origin-agent-cluster',
    'x-dns-prefetch-control',
    'x-download-options',
    'x-permitted-cross-domain-policies',
    'x-xss-protection',
  ];

  it.each([
    ['GET /health (public, 200)', () => t.http.get('/health'), 200],
    ['GET /openapi.json', () => t.http.get('/openapi.json'), 200],
    ['GET /auth/me without credentials (401 problem)', () => t.http.get('/auth/me'), 401],
    ['an unknown route (404 problem)', () => t.http.get('/nope'), 404],
    [
      'malformed JSON (400 problem)',
      () => t.http.post('/auth/login').set('Content-Type', 'application/json').send('{"x":'),
      400,
    ],
  ])('%s: HSTS, nosniff, no-referrer, strict CSP, no X-Powered-By', async (_name, call, status) => {
    const res = await call();
    expect(res.status).toBe(status);
    expectApiHeaders(res);
  });

  it.each([
    ['a path id over the router limit', `/jobs/${'a'.repeat(300)}`, 404],
    ['a malformed percent-encoding', '/jobs/%E0%A4%A', 400],
  ])(
    "%s: answered by Fastify's frameworkErrors before any hook, still problem+json with the API's headers",
    async (_name, path, status) => {
      const res = await t.http.get(path);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expectApiHeaders(res);
      expect(res.headers['x-request-id']).toBe(res.body.request_id);
      expect(res.headers['x-powered-by']).toBeUndefined();
    },
  );

  it('an authenticated JSON answer carries them too', async () => {
    const u = await createUser(t);
    expectApiHeaders(await t.http.get('/auth/me').set(u.auth).expect(200));
  });

  it('/docs (Swagger UI) gets a policy that lets its own scripts and styles run, still no framing', async () => {
    const res = await t.http.get('/docs').redirects(1);
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("script-src 'self' 'unsafe-inline'");
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    for (const page of DOCUMENT_ONLY) expect(res.headers).toHaveProperty(page);
  });

  it('/admin gets the dashboard policy: scripts and styles from itself only, no inline, no framing, not cached', async () => {
    const res = await t.http.get('/admin');
    if (res.status === 503) {
      // Not built (npm run build builds it): the problem answer keeps the API's headers.
      expectApiHeaders(res);
      return;
    }
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBe(ADMIN_UI_CSP);
    expect(ADMIN_UI_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(ADMIN_UI_CSP).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    for (const page of DOCUMENT_ONLY) expect(res.headers).toHaveProperty(page);
  });

  describe('Cache-Control: no-store on every response that carries a secret', () => {
    const noStore = (res: Response) => expect(String(res.headers['cache-control'])).toMatch(/\bno-store\b/);

    it('register (api_key), token (password and refresh grants), login, refresh, regenerate-api-key', async () => {
      const n = Date.now().toString(36);
      const password = `Pw-${n}-long-enough`;
      const reg = await t.http
        .post('/auth/register')
        .send({ email: `h_${n}@example.com`, username: `h_${n}`, password })
        .expect(201);
      expect(reg.body.api_key).toMatch(/^tk_/);
      noStore(reg);
      const token = await t.http
        .post('/auth/token')
        .type('form')
        .send({ username: `h_${n}`, password })
        .expect(200);
      noStore(token);
      noStore(
        await t.http
          .post('/auth/token')
          .type('form')
          .send({ grant_type: 'refresh_token', refresh_token: token.body.refresh_token })
          .expect(200),
      );
      const login = await t.http
        .post('/auth/login')
        .send({ username: `h_${n}`, password })
        .expect(200);
      noStore(login);
      noStore(await t.http.post('/auth/refresh').send({ refresh_token: login.body.tokens.refresh_token }).expect(200));
      const regen = await t.http
        .post('/auth/regenerate-api-key')
        .set('Authorization', `Bearer ${login.body.tokens.access_token}`)
        .expect(200);
      expect(regen.body.api_key).toMatch(/^tk_/);
      noStore(regen);
    });

    it('service-key reveal', async () => {
      const u = await createUser(t);
      const key = await t.http
        .post('/api-keys')
        .set(u.auth)
        .send({ service: 'openai', key: 'sk-headers-test-0000001' })
        .expect(201);
      const revealed = await t.http.post(`/api-keys/${key.body.id}/reveal`).set(u.auth).expect(200);
      expect(revealed.body.key).toBe('sk-headers-test-0000001');
      noStore(revealed);
    });

    it('admin: create user (api_key, generated password) and reset-password (generated, or given: 204)', async () => {
      const admin = await createAdmin(t);
      const n = Date.now().toString(36);
      const created = await t.http
        .post('/auth/admin/users')
        .set(admin.auth)
        .send({ email: `made_${n}@example.com`, username: `made_${n}` })
        .expect(201);
      expect(JSON.stringify(created.body)).toMatch(/tk_/);
      noStore(created);
      const id = created.body.id ?? created.body.user?.id;
      const generated = await t.http
        .post(`/auth/admin/users/${id}/reset-password`)
        .set(admin.auth)
        .send({})
        .expect(200);
      expect(typeof generated.body.generated_password).toBe('string');
      noStore(generated);
      noStore(
        await t.http
          .post(`/auth/admin/users/${id}/reset-password`)
          .set(admin.auth)
          .send({ new_password: `Given-${n}-password` })
          .expect(204),
      );
    });
  });
});

describe('CORS with CORS_ORIGINS set: exact origins only', () => {
  const ALLOWED = 'https://app.example.com';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: `${ALLOWED}, https://admin.example.com` } });
  });
  afterAll(() => t.close());

  it('an allowed origin gets itself back (never *), with credentials, on the preflight and the request', async () => {
    const pre = await t.http
      .options('/auth/me')
      .set('Origin', ALLOWED)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(pre.status).toBeLessThan(300);
    expect(pre.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(pre.headers['access-control-allow-credentials']).toBe('true');
    const res = await t.http.get('/health').set('Origin', ALLOWED).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(String(res.headers.vary)).toMatch(/Origin/i);
    expect(String(res.headers['access-control-expose-headers'])).toMatch(/X-Request-Id/i);
  });

  it.each([
    ['a foreign origin', 'https://evil.example.net'],
    ['the allowed host as a suffix of another', 'https://app.example.com.evil.net'],
    ['the allowed host as a prefix of another', 'https://evilapp.example.com'],
    ['the allowed host over http', 'http://app.example.com'],
    ['another port', 'https://app.example.com:8443'],
    ['the null origin (sandboxed frames, file://)', 'null'],
  ])('%s gets no Access-Control-Allow-Origin', async (_name, origin) => {
    const pre = await t.http.options('/auth/me').set('Origin', origin).set('Access-Control-Request-Method', 'GET');
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const res = await t.http.get('/health').set('Origin', origin).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined(); // (@fastify/cors still says allow-credentials: harmless without it)
  });
});

describe('CORS without CORS_ORIGINS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('no origin is allowed', async () => {
    const res = await t.http.get('/health').set('Origin', 'https://app.example.com').expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
