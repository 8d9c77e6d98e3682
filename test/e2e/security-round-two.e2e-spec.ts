import { createTestApp, TestApp } from '../app.factory';
import { createUser } from '../factories/user.factory';

// Issue 21's low findings, one describe block each.
describe('security round two', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('each carrier accepts only its own credential kind', () => {
    it('a JWT already used as a bearer token is refused in X-API-Key and ?api_key=', async () => {
      const u = await createUser(t);
      await t.http.get('/auth/me').set(u.auth).expect(200); // now in the verified-credential cache
      const header = await t.http.get('/auth/me').set('X-API-Key', u.accessToken);
      expect(header.status).toBe(401);
      expect(header.body.code).toBe('INVALID_API_KEY');
      expect((await t.http.get('/auth/me').query({ api_key: u.accessToken })).status).toBe(401);
      // And the other way round: the key works in its own carriers only.
      await t.http.get('/auth/me').set('X-API-Key', u.apiKey).expect(200);
      await t.http.get('/auth/me').set(u.auth).expect(200);
    });
  });
});
