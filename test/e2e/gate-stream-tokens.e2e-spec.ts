import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';
import { recordSecret } from '../security/secrets';

// Stream tokens at the gate: accepted once, for their one speech class, charged to their owner.
describe.each(['HS256', 'EdDSA'] as const)('the gate and stream tokens (ALGORITHM=%s)', (alg) => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ env: { ALGORITHM: alg } });
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());

  const mint = async (u: TestUser, scope = 'transcribe') => {
    const res = await t.http.post('/auth/stream-token').set(u.auth).send({ scope }).expect(201);
    recordSecret(res.body.token);
    return res.body.token as string;
  };
  const verify = (uri: string, headers: Record<string, string> = {}) =>
    t.http.get('/auth/verify').set({ 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': uri, ...headers });

  it('?token= in the original URI: allowed once with X-Auth-Via stream, then 401 on every later use', async () => {
    const u = await createUser(t);
    const token = await mint(u);
    const first = await verify(`/transcribe/ws?token=${token}`).expect(200);
    expect(first.headers['x-user-id']).toBe(u.id);
    expect(first.headers['x-auth-via']).toBe('stream');
    expect(first.headers['x-scopes']).toBe('transcribe');
    const again = await verify(`/transcribe/ws?token=${token}`).expect(401);
    expect(again.headers['x-user-id']).toBeUndefined();
    expect(again.body.code).toBe('STREAM_TOKEN_USED');
  });

  it('a forwarded Authorization: Bearer stream token works the same way, once', async () => {
    const u = await createUser(t);
    const token = await mint(u, 'tts');
    await verify('/tts', { Authorization: `Bearer ${token}` }).expect(200);
    await verify('/tts', { Authorization: `Bearer ${token}` }).expect(401);
  });

  it('another class refuses it with 403 insufficient_scope and does not spend it', async () => {
    const u = await createUser(t);
    const token = await mint(u, 'translate');
    const wrong = await verify(`/transcribe?token=${token}`).expect(403);
    expect(wrong.headers['www-authenticate']).toContain('insufficient_scope');
    await verify(`/requests/x?token=${token}`).expect(403);
    await verify(`/translate?token=${token}`).expect(200);
  });

  it("is refused after its owner's suspension or its parent session's revocation", async () => {
    const u = await createUser(t);
    const token = await mint(u);
    await t.http.post(`/auth/admin/users/${u.id}/suspend`).set(admin.auth).send({ reason: 'x' }).expect(200);
    await verify(`/transcribe?token=${token}`).expect(403);

    const v = await createUser(t);
    const second = await mint(v);
    await t.http.delete(`/auth/sessions/${v.sessionId}`).set(v.auth).expect(204);
    await verify(`/transcribe?token=${second}`).expect(401);
  });

  it('a forged or expired-looking token is 401 and no identity header', async () => {
    const res = await verify('/transcribe?token=eyJhbGciOiJIUzI1NiJ9.eyJ0eXBlIjoic3RyZWFtIn0.AAAA').expect(401);
    expect(res.headers['x-user-id']).toBeUndefined();
  });

  it('parallel uses of one token: exactly one is allowed', async () => {
    const u = await createUser(t);
    const token = await mint(u);
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => verify(`/transcribe?token=${token}`).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 401)).toBe(true);
  });
});
