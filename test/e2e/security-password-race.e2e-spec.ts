import { randomBytes } from 'node:crypto';
import { IsNull } from 'typeorm';
import { AuthService } from '../../src/auth/auth.service';
import { UserSession } from '../../src/sessions/entities/user-session.entity';
import { User } from '../../src/users/entities/user.entity';
import { PasswordHasher } from '../../src/users/password/password-hasher.service';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';

const meta = { ip: '127.0.0.1', userAgent: 'jest' };

describe('a login in flight does not survive a password change; the rehash never overwrites a newer password', () => {
  let t: TestApp;
  let auth: AuthService;
  beforeAll(async () => {
    t = await createTestApp();
    auth = t.get(AuthService);
  });
  afterAll(() => t.close());

  const liveSessions = (userId: string) =>
    t.dataSource.getRepository(UserSession).count({ where: { userId, revokedAt: IsNull() } });

  async function loginInFlight(u: TestUser): Promise<User> {
    return auth.verifyPassword(u.username, u.password, meta, 'password'); // the old hash is verified…
  }

  it('the user changes the password between the check and the session: no session, 401', async () => {
    const u = await createUser(t);
    const verified = await loginInFlight(u);
    const next = `New-${randomBytes(9).toString('base64url')}`;
    await t.http
      .post('/auth/change-password')
      .set(u.auth)
      .send({ current_password: u.password, new_password: next })
      .expect(204);
    const before = await liveSessions(u.id);
    await expect(auth.startSession(verified, meta, { method: 'password', login: u.username })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect(await liveSessions(u.id)).toBe(before);
  });

  it('an admin resets the password between the check and the session: no session either', async () => {
    const admin = await createAdmin(t);
    const u = await createUser(t);
    const verified = await loginInFlight(u);
    await t.http.post(`/auth/admin/users/${u.id}/reset-password`).set(admin.auth).send({}).expect(200);
    await expect(auth.startSession(verified, meta, { method: 'password', login: u.username })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect(await liveSessions(u.id)).toBe(0);
  });

  it('the change lands between the hash check and the row read at the end of the check: 401', async () => {
    const u = await createUser(t);
    const hasher = t.get(PasswordHasher);
    const verify = hasher.verify.bind(hasher);
    const spy = jest.spyOn(hasher, 'verify').mockImplementationOnce(async (pw, hash) => {
      const ok = await verify(pw, hash);
      await t.dataSource
        .getRepository(User)
        .update({ id: u.id }, { hashedPassword: await hasher.hash('Other-password-1'), passwordChangedAt: new Date() });
      return ok;
    });
    await expect(loginInFlight(u)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    spy.mockRestore();
  });

  it('a rehash computed from the old password does not overwrite a newer one (WHERE hashed_password = :old)', async () => {
    const u = await createUser(t);
    const users = t.dataSource.getRepository(User);
    const old = (await users.findOneByOrFail({ id: u.id })).hashedPassword;
    const next = `New-${randomBytes(9).toString('base64url')}`;
    await t.http
      .post('/auth/change-password')
      .set(u.auth)
      .send({ current_password: u.password, new_password: next })
      .expect(204);
    const changed = (await users.findOneByOrFail({ id: u.id })).hashedPassword;
    const rehash = (auth as unknown as { rehash(id: string, old: string, pw: string): Promise<void> }).rehash;
    await rehash.call(auth, u.id, old, u.password);
    expect((await users.findOneByOrFail({ id: u.id })).hashedPassword).toBe(changed);
    await t.http.post('/auth/login').send({ username: u.username, password: next }).expect(200);
  });

  it('a login whose hash has an outdated cost still gets its session, and the hash is rehashed after it', async () => {
    const u = await createUser(t);
    const users = t.dataSource.getRepository(User);
    const bcrypt = await import('bcryptjs');
    await users.update({ id: u.id }, { hashedPassword: bcrypt.hashSync(u.password, 5) });
    const res = await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
    expect(res.body.tokens.access_token).toBeDefined();
    for (let i = 0; i < 50 && (await users.findOneByOrFail({ id: u.id })).hashedPassword.startsWith('$2b$05$'); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect((await users.findOneByOrFail({ id: u.id })).hashedPassword).toMatch(/^\$2[aby]\$04\$/);
    await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);
  });
});
