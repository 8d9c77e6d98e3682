import { createTestApp, TestApp } from '../app.factory';
import { createUser } from '../factories/user.factory';

describe('foundation: wire format, errors, health, docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GET /health answers healthy with the database checked', async () => {
    const res = await t.http.get('/health').expect(200);
    expect(res.body).toMatchObject({ status: 'healthy', database: 'ok', redis: 'disabled' });
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it.each(['/api/health', '/health/', '/api/health/'])('%s is the same route', async (path) => {
    await t.http.get(path).expect(200);
  });

  it('echoes a well-formed X-Request-Id and replaces a hostile one', async () => {
    expect((await t.http.get('/health').set('X-Request-Id', 'abc-123')).headers['x-request-id']).toBe('abc-123');
    const bad = await t.http.get('/health').set('X-Request-Id', 'x'.repeat(300));
    expect(bad.headers['x-request-id']).not.toBe('x'.repeat(300));
  });

  it('unknown route → 404 problem+json', async () => {
    const res = await t.http.get('/nope').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND', title: 'Not Found', instance: '/nope' });
    expect(typeof res.body.detail).toBe('string');
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
  });

  it('malformed JSON → 400 problem+json', async () => {
    const res = await t.http.post('/auth/register').set('Content-Type', 'application/json').send('{"email": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, code: 'MALFORMED_BODY' });
  });

  it('oversize body → 413 problem+json', async () => {
    const res = await t.http
      .post('/auth/register')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ x: 'a'.repeat(t.config.bodyLimit + 10) }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('unsupported content type → 415 problem+json', async () => {
    const res = await t.http.post('/auth/register').set('Content-Type', 'application/xml').send('<a/>');
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('validation → 422 with errors[]', async () => {
    const res = await t.http
      .post('/auth/register')
      .send({ email: 'not-an-email', username: 'x', password: 1 })
      .expect(422);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['email', 'username', 'password']));
  });

  it('protected route without credentials → 401 with WWW-Authenticate: Bearer', async () => {
    const res = await t.http.get('/auth/me').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toMatchObject({ status: 401, code: 'NOT_AUTHENTICATED' });
  });

  it('security headers are set and X-Powered-By is not', async () => {
    const res = await t.http.get('/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves /openapi.json with the OAuth2 password flow and the X-API-Key scheme, and Swagger UI at /docs', async () => {
    const doc = (await t.http.get('/openapi.json').expect(200)).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.oauth2.flows.password.tokenUrl).toBe('/auth/token');
    expect(doc.components.securitySchemes['api-key']).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
    });
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/auth/register', '/auth/token', '/auth/me', '/health']),
    );
    const ui = await t.http.get('/docs').redirects(1);
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger/i);
  });

  it('passport strategies work on Fastify: JWT, local (stateless), header API key', async () => {
    const u = await createUser(t);
    await t.http.get('/auth/me').set(u.auth).expect(200);
    await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200);
    const login = await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
    expect(login.headers['set-cookie']).toBeUndefined();
    await t.http.get('/auth/me').set('Authorization', `Bearer ${login.body.tokens.access_token}`).expect(200);
  });

  it('each application verifies with its own strategies: another one in the process (created, then closed) changes nothing', async () => {
    const u = await createUser(t);
    // Its own database and secret: were its strategies the process's, t's credentials would be checked there.
    const other = await createTestApp();
    await other.http.get('/auth/me').set(u.auth).expect(401);
    await t.http.get('/auth/me').set(u.auth).expect(200);
    await other.close();
    await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200);
    await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
    await t.http.post('/auth/login').send({ username: u.username, password: 'wrong-password' }).expect(401);
  });
});
