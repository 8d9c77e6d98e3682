import { existsSync, readFileSync } from 'node:fs';
import { PrincipalCache } from '../../src/auth/credential/principal-cache';
import { PersonalKey } from '../../src/personal-keys/entities/personal-key.entity';
import { hashApiKey } from '../../src/personal-keys/personal-key.util';
import { User } from '../../src/users/entities/user.entity';
import { UsageBuffer } from '../../src/auth/credential/usage-buffer';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser } from '../factories/user.factory';

/** Everything stored, as text: the SQLite file (and its WAL), or every row of every table on Postgres. */
export async function databaseText(t: TestApp): Promise<string> {
  if (t.dbFile) {
    await t.dataSource.query('PRAGMA wal_checkpoint(FULL)');
    return [t.dbFile, `${t.dbFile}-wal`]
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
  }
  const tables: { table_name: string }[] = await t.dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
  );
  const dumps = await Promise.all(tables.map(({ table_name }) => t.dataSource.query(`SELECT * FROM "${table_name}"`)));
  return JSON.stringify(dumps);
}

describe('personal API keys (tk_…)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('authenticates with X-API-Key, Authorization: Bearer and ?api_key=, with the same identity', async () => {
    const u = await createUser(t);
    for (const req of [
      t.http.get('/auth/me').set('X-API-Key', u.apiKey),
      t.http.get('/auth/me').set('Authorization', `Bearer ${u.apiKey}`),
      t.http.get(`/auth/me?api_key=${u.apiKey}`),
      t.http.get(`/api/auth/me?api_key=${u.apiKey}`),
    ]) {
      const res = await req.expect(200);
      expect(res.body).toMatchObject({ id: u.id, api_key_prefix: u.apiKey.slice(0, 10) });
    }
  });

  it('the key is tk_ + ≥32 random bytes in base62, stored only as its SHA-256', async () => {
    const u = await createUser(t);
    expect(u.apiKey).toMatch(/^tk_[0-9A-Za-z]{43,44}$/);
    const row = await t.dataSource.getRepository(User).findOneByOrFail({ id: u.id });
    expect(row.apiKeyPrefix).toBe(u.apiKey.slice(0, 10));
    expect(JSON.stringify(row)).not.toContain(u.apiKey);
    const key = await t.dataSource.getRepository(PersonalKey).findOneByOrFail({ userId: u.id, name: 'default' });
    expect(key.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.keyHash).toBe(hashApiKey(u.apiKey));
    expect(JSON.stringify(key)).not.toContain(u.apiKey);
  });

  it.each([
    ['a wrong key', 'tk_' + 'A'.repeat(43)],
    ['a malformed key', 'tk_short'],
    ['not a key at all', 'hello'],
  ])('%s → 401 invalid_token', async (_n, key) => {
    const res = await t.http.get('/auth/me').set('X-API-Key', key).expect(401);
    expect(res.body.code).toBe('INVALID_API_KEY');
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('regenerate: the new key works, the old one is refused on the very next request', async () => {
    const u = await createUser(t);
    await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200); // cached now
    const res = await t.http.post('/auth/regenerate-api-key').set(u.auth).expect(200);
    expect(res.body.api_key).toMatch(/^tk_/);
    expect(res.body.api_key).not.toBe(u.apiKey);
    expect(res.body.api_key_prefix).toBe(res.body.api_key.slice(0, 10));
    expect(res.headers['cache-control']).toBe('no-store');
    await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(401);
    await t.http.get('/auth/me').set('X-API-Key', res.body.api_key).expect(200);
    // Regenerating with the key itself works too.
    const again = await t.http.post('/auth/regenerate-api-key').set('X-API-Key', res.body.api_key).expect(200);
    await t.http.get('/auth/me').set('X-API-Key', res.body.api_key).expect(401);
    await t.http.get('/auth/me').set('X-API-Key', again.body.api_key).expect(200);
  });

  it("a suspended user's key → 403; an admin's key opens admin routes' role checks", async () => {
    const u = await createUser(t);
    await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200);
    await t.dataSource.getRepository(User).update({ id: u.id }, { isSuspended: true });
    await t.get(PrincipalCache).invalidateUser(u.id);
    expect((await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(403)).body.detail).toBe('Account suspended');
    const admin = await createAdmin(t);
    const me = await t.http.get('/auth/me').set('X-API-Key', admin.apiKey).expect(200);
    expect(me.body).toMatchObject({ role: 'admin', is_superuser: true });
  });

  it('api_key_last_used_at is kept without a write per request (buffered, then flushed)', async () => {
    const u = await createUser(t);
    for (let i = 0; i < 3; i++) await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200);
    let row = await t.dataSource.getRepository(User).findOneByOrFail({ id: u.id });
    expect(row.apiKeyLastUsedAt).toBeNull();
    await t.get(UsageBuffer).flush();
    row = await t.dataSource.getRepository(User).findOneByOrFail({ id: u.id });
    expect(row.apiKeyLastUsedAt).not.toBeNull();
    expect(row.usageTotalRequests).toBe(3);
  });

  it('the raw key appears nowhere in the database or the log after use in all three ways', async () => {
    const u = await createUser(t);
    await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200);
    await t.http.get('/auth/me').set('Authorization', `Bearer ${u.apiKey}`).expect(200);
    await t.http.get(`/auth/me?api_key=${u.apiKey}&x=1`).expect(200);
    await t.http.get(`/nope?api_key=${u.apiKey}`).expect(404);
    await t.get(UsageBuffer).flush();
    expect(await databaseText(t)).not.toContain(u.apiKey);
    await new Promise((r) => setTimeout(r, 100)); // let the async log destination drain
    const log = readFileSync(t.logFile, 'utf8');
    expect(log).toContain('api_key=[REDACTED]');
    expect(log).not.toContain(u.apiKey);
    expect(log).not.toContain(u.apiKey.slice(3, 20));
  });
});

describe('personal API keys with ALLOW_API_KEY_QUERY=false', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ALLOW_API_KEY_QUERY: 'false' } });
  });
  afterAll(() => t.close());

  it('refuses the query form, keeps the header forms', async () => {
    const u = await createUser(t);
    await t.http.get(`/auth/me?api_key=${u.apiKey}`).expect(401);
    await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200);
  });
});
