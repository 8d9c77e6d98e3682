import {
  killEverything,
  login,
  register,
  req,
  SHARED_REDIS_URL,
  ServiceProcess,
  sharedDatabase,
  startTwo,
} from './helpers';

/**
 * Two instances sharing PostgreSQL and Redis: a key change made on A after B has cached the key is seen by B on its
 * very next request (the key cache's invalidation travels through Redis), for deletion, roll-out and narrowing.
 */
describe('API keys across two instances', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: ServiceProcess;
  let b: ServiceProcess;

  beforeAll(async () => {
    db = await sharedDatabase('vg_multi_keys');
    [a, b] = await startTwo({ DATABASE_URL: db.url, REDIS_URL: SHARED_REDIS_URL, RATE_LIMIT_ENABLED: 'false' });
  }, 120_000);

  afterAll(async () => {
    await killEverything();
    await db?.drop();
  }, 30_000);

  test.each([1, 2, 3, 4, 5])(
    'deleted, rolled out or narrowed on A: refused on B at its next request (%i)',
    async () => {
      const u = await register(a, 'keys');
      const t = await login(a, u.username);
      const create = async (name: string, scopes?: string[]) => {
        const r = await req(a, 'POST', '/auth/api-keys', { token: t.access, json: { name, scopes } });
        expect(r.status).toBe(201);
        return r.body as { id: string; key: string };
      };
      const [gone, rolled, narrowed] = [await create('gone'), await create('rolled'), await create('narrowed')];
      for (const k of [gone, rolled, narrowed])
        expect((await req(b, 'GET', '/auth/me', { apiKey: k.key })).status).toBe(200);

      expect((await req(a, 'DELETE', `/auth/api-keys/${gone.id}`, { token: t.access })).status).toBe(204);
      expect((await req(b, 'GET', '/auth/me', { apiKey: gone.key })).status).toBe(401);

      const roll = await req(a, 'POST', `/auth/api-keys/${rolled.id}/roll`, { token: t.access, json: {} });
      expect(roll.status).toBe(201);
      expect((await req(b, 'GET', '/auth/me', { apiKey: rolled.key })).status).toBe(401);
      expect((await req(b, 'GET', '/auth/me', { apiKey: roll.body.key })).status).toBe(200);

      const patch = await req(a, 'PATCH', `/auth/api-keys/${narrowed.id}`, {
        token: t.access,
        json: { scopes: ['tts'] },
      });
      expect(patch.status).toBe(200);
      const refused = await req(b, 'GET', '/auth/me', { apiKey: narrowed.key });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="profile:read"');
    },
  );
});
