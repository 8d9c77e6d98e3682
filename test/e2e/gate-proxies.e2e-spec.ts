import { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';
import { Running, startCaddy, startNginx, startSpeechWorker } from '../support/proxies';

/** A request through a real proxy (fetch: no supertest, the proxy is another process). */
async function call(port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: res.status, headers: res.headers, body };
}

describe.each([
  ['nginx (auth_request)', startNginx],
  ['Caddy (forward_auth)', startCaddy],
])('the shipped %s configuration guards an upstream', (_name, start) => {
  let t: TestApp;
  let admin: TestUser;
  let worker: Running;
  let proxy: Running;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_USER_PER_MINUTE: '1000',
        RATE_LIMIT_ANON_PER_MINUTE: '1000',
        TRUST_PROXY: 'true',
      },
    });
    await t.app.listen(0, '127.0.0.1');
    const gatePort = (t.app.getHttpServer().address() as AddressInfo).port;
    admin = await createAdmin(t);
    worker = await startSpeechWorker();
    proxy = await start(gatePort, worker.port);
  });
  afterAll(async () => {
    await proxy?.stop();
    await worker?.stop();
    await t?.close();
  });

  const fail = (what: string) => `${what}\n--- proxy output ---\n${proxy.output()}`;

  it('a good key reaches the upstream with the right X-User-Id; the credential stays with the gate', async () => {
    const u = await createUser(t);
    const res = await call(proxy.port, '/translate/de?x=1', { 'X-API-Key': u.apiKey }, 'POST');
    expect({ status: res.status, body: res.body }).toMatchObject({
      status: 200,
      body: {
        service: 'speech-worker',
        method: 'POST',
        path: '/translate/de',
        caller: { 'x-user-id': u.id, 'x-user-name': u.username, 'x-auth-via': 'api_key', 'x-user-role': 'user' },
        credential_forwarded: false,
      },
    });
    const jwt = await call(proxy.port, '/tts', u.auth);
    expect(jwt.body).toMatchObject({ caller: { 'x-user-id': u.id, 'x-auth-via': 'jwt' } });
    const query = await call(proxy.port, `/transcribe?api_key=${u.apiKey}`);
    expect(query.body).toMatchObject({ caller: { 'x-user-id': u.id } });
  });

  it('a forged X-User-Id from the client is not trusted', async () => {
    const u = await createUser(t);
    const victim = await createUser(t);
    const forged = { 'X-User-Id': victim.id, 'X-User-Role': 'admin', 'X-Scopes': 'admin', 'X-Key-Id': 'k' };
    const res = await call(proxy.port, '/tts', { ...forged, 'X-API-Key': u.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.caller).toMatchObject({ 'x-user-id': u.id, 'x-user-role': 'user' });
    expect((res.body.caller as Record<string, string>)['x-scopes']).not.toBe('admin');
    // X-Key-Id is the presented key's own id, not the client's.
    expect((res.body.caller as Record<string, string>)['x-key-id']).toMatch(/^[0-9a-f-]{36}$/);
    // Without a credential the forged headers get nowhere.
    const anonymous = await call(proxy.port, '/tts', forged);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.service).toBeUndefined();
  });

  it('no key → 401 problem+json with WWW-Authenticate; a bad key → 401', async () => {
    const res = await call(proxy.port, '/transcribe');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.body).toMatchObject({ status: 401 });
    expect((await call(proxy.port, '/transcribe', { 'X-API-Key': 'tk_' + 'b'.repeat(43) })).status).toBe(401);
  });

  it('over the rate limit → 429 with Retry-After at the client (not a 500)', async () => {
    const u = await createUser(t);
    await t.http
      .put(`/auth/admin/users/${u.id}`)
      .set(admin.auth)
      .send({ rate_limits: { per_minute: 2 } })
      .expect(200);
    const first = await call(proxy.port, '/translate', { 'X-API-Key': u.apiKey });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await call(proxy.port, '/translate', { 'X-API-Key': u.apiKey })).status).toBe(200);
    const over = await call(proxy.port, '/translate', { 'X-API-Key': u.apiKey });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(over.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(over.body.service).toBeUndefined();
  });

  it('over the monthly quota → 429 QUOTA_EXCEEDED at the client, with Retry-After to the month end', async () => {
    const u = await createUser(t);
    await t.http
      .put(`/auth/admin/users/${u.id}`)
      .set(admin.auth)
      .send({ quota: { tts: 2 } })
      .expect(200);
    const ok = await call(proxy.port, '/tts', { 'X-API-Key': u.apiKey });
    expect(ok.status).toBe(200);
    expect(ok.body.quota_remaining).toBe('1');
    expect((await call(proxy.port, '/tts/x', { 'X-API-Key': u.apiKey })).status).toBe(200);
    const over = await call(proxy.port, '/tts', { 'X-API-Key': u.apiKey });
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(1);
    // Another class is still open.
    expect((await call(proxy.port, '/transcribe', { 'X-API-Key': u.apiKey })).status).toBe(200);
  });

  it('a suspended user → 403', async () => {
    const u = await createUser(t);
    expect((await call(proxy.port, '/tts', { 'X-API-Key': u.apiKey })).status).toBe(200);
    await t.http.post(`/auth/admin/users/${u.id}/suspend`).set(admin.auth).send({ reason: 'abuse' }).expect(200);
    const res = await call(proxy.port, '/tts', { 'X-API-Key': u.apiKey });
    expect(res.status).toBe(403);
    expect(res.body.service).toBeUndefined();
    expect(res.headers.get('x-auth-status')).toBeNull();
    expect(fail('ok')).toContain('ok');
  });
});
