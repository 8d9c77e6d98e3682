import { AuthStateService } from '../../src/sessions/auth-state.service';
import { UsageBuffer } from '../../src/users/usage-buffer.service';
import { User } from '../../src/users/entities/user.entity';
import { createTestApp, TestApp } from '../app.factory';
import { createUser, TestUser } from '../factories/user.factory';

/**
 * Issue #14: the authentication hot path makes no database write and, when nothing changed, no database round
 * trip. Every statement TypeORM sends (its logger sees each one, on both drivers) is counted while requests run.
 */
describe('hot path: authenticated requests and the database', () => {
  let t: TestApp;
  let user: TestUser;
  const statements: string[] = [];

  // Authentication runs before validation (CONTRACT §2), so an empty change-password body is an authenticated
  // request whose route answers 422 without touching the database: only the guard chain can query.
  const noQueryRoute = (headers: Record<string, string>, query = '') =>
    t.http.post(`/auth/change-password${query}`).set(headers).send({});

  /** Statements sent while `fn` runs, with the periodic usage flush held back so only the requests count. */
  async function statementsDuring(fn: () => Promise<unknown>): Promise<string[]> {
    const usage = t.get(UsageBuffer);
    await usage.flush();
    const held = jest.spyOn(usage, 'flush').mockResolvedValue(undefined);
    statements.length = 0;
    try {
      await fn();
      return [...statements];
    } finally {
      held.mockRestore();
    }
  }

  const times = async (n: number, request: () => Promise<{ status: number }>, status: number) => {
    for (let i = 0; i < n; i++) expect((await request()).status).toBe(status);
  };

  beforeAll(async () => {
    t = await createTestApp();
    user = await createUser(t);
    const logger = t.dataSource.logger;
    const original = logger.logQuery.bind(logger);
    jest.spyOn(logger, 'logQuery').mockImplementation((query, parameters, runner) => {
      statements.push(query);
      return original(query, parameters, runner);
    });
  });
  afterAll(() => t.close());

  it('the no-query route really is authenticated: 401 without a credential, 422 with one', async () => {
    expect((await t.http.post('/auth/change-password').send({})).status).toBe(401);
    expect((await noQueryRoute(user.auth)).status).toBe(422);
  });

  it.each([
    ['JWT (Authorization: Bearer)', () => user.auth, ''],
    ['API key (X-API-Key)', () => ({ 'X-API-Key': user.apiKey }), ''],
    ['API key (Authorization: Bearer tk_…)', () => ({ Authorization: `Bearer ${user.apiKey}` }), ''],
    ['API key (?api_key=)', () => ({}), 'api_key'],
  ])('%s: after one warm-up request, 100 more make no query at all', async (_, headers, param) => {
    const query = param ? `?api_key=${encodeURIComponent(user.apiKey)}` : '';
    await times(1, () => noQueryRoute(headers(), query), 422);
    const seen = await statementsDuring(() => times(100, () => noQueryRoute(headers(), query), 422));
    expect(seen).toEqual([]);
  });

  it('GET /auth/me sends exactly one statement per request: the handler loading the user it returns', async () => {
    await t.http.get('/auth/me').set(user.auth).expect(200);
    const seen = await statementsDuring(() => times(20, () => t.http.get('/auth/me').set(user.auth), 200));
    expect(seen).toHaveLength(20);
    expect(seen.every((q) => /^SELECT\b[\s\S]*\bFROM "users"/i.test(q))).toBe(true);
  });

  it('a change is read once: after invalidateUser the next request reloads the user, the ones after do not', async () => {
    await times(1, () => noQueryRoute(user.auth), 422);
    await t.get(AuthStateService).invalidateUser(user.id);
    const seen = await statementsDuring(() => times(10, () => noQueryRoute(user.auth), 422));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/FROM "users"/);
  });

  it('the requests are counted without a write per request, and the counts reach the database on flush', async () => {
    const usage = t.get(UsageBuffer);
    await usage.flush();
    const before = (await t.dataSource.getRepository(User).findOneByOrFail({ id: user.id })).usageTotalRequests;
    const seen = await statementsDuring(() => times(25, () => noQueryRoute({ 'X-API-Key': user.apiKey }), 422));
    expect(seen).toEqual([]);
    expect(usage.pendingRequests(user.id)).toBe(25);
    await usage.flush();
    const after = await t.dataSource.getRepository(User).findOneByOrFail({ id: user.id });
    expect(after.usageTotalRequests).toBe(before + 25);
    expect(after.apiKeyLastUsedAt).not.toBeNull();
  });
});
