import { randomBytes } from 'node:crypto';
import { User } from '../../src/users/entities/user.entity';
import { createTestApp, TestApp } from '../app.factory';

describe('password work is bounded: a storm of registrations gets 503 + Retry-After, not an endless queue', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Cost 10 so that the work outlasts the burst; two in progress at most.
    t = await createTestApp({
      env: { BCRYPT_ROUNDS: '10', PASSWORD_HASH_THREADS: '1', PASSWORD_HASH_MAX_PENDING: '2' },
    });
  });
  afterAll(() => t.close());

  it('of 12 parallel registrations at most the cap wait; the rest are 503 problem+json with Retry-After and create nothing', async () => {
    const tag = randomBytes(3).toString('hex');
    const names = Array.from({ length: 12 }, (_, i) => `storm_${tag}_${i}`);
    const answers = await Promise.all(
      names.map((username) =>
        t.http
          .post('/auth/register')
          .send({ username, email: `${username}@example.com`, password: `Storm-${tag}-pw-1` }),
      ),
    );
    const created = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status === 503);
    expect(created.length + refused.length).toBe(12);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(6);
    for (const r of refused) {
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(r.body.code).toBe('SERVICE_UNAVAILABLE');
    }
    const rows = await t.dataSource.getRepository(User).count({ where: names.map((username) => ({ username })) });
    expect(rows).toBe(created.length);
    // /health answers meanwhile and afterwards.
    await t.http.get('/health').expect(200);
  });
});
