import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecurityEventWriter } from '../../src/audit/security-event-writer.service';
import { AUTH_STATE_TTL_MS, PrincipalCache } from '../../src/auth/credential/principal-cache';
import { UsageBuffer } from '../../src/auth/credential/usage-buffer';
import { KeyRegistry } from '../../src/personal-keys/key-registry.service';
import { KeyUsage } from '../../src/personal-keys/key-usage.service';
import { User } from '../../src/users/entities/user.entity';
import { MailOutboxWorker } from '../../src/mail/mail-outbox.worker';
import { createTestApp, TestApp } from '../app.factory';
import { createUser, TestUser } from '../factories/user.factory';

/**
 * Issue #14: the authentication hot path makes no database write and, when nothing changed, no database round
 * trip — beyond re-reading the cached user/session state once per AUTH_STATE_TTL_MS (real time, so a slow run may
 * see that refresh). Every statement TypeORM sends (its logger sees each one, on both drivers) is counted.
 */
describe('hot path: authenticated requests and the database', () => {
  let t: TestApp;
  let user: TestUser;
  const statements: string[] = [];

  // Authentication runs before validation (CONTRACT §2), so an empty change-password body is an authenticated
  // request whose route answers 422 without touching the database: only the guard chain can query.
  const noQueryRoute = (headers: Record<string, string>, query = '') =>
    t.http.post(`/auth/change-password${query}`).set(headers).send({});

  /** Statements sent while `fn` runs, with the usage flush held back (see freshState). */
  async function statementsDuring(fn: () => Promise<unknown>): Promise<{ seen: string[]; ttlPeriods: number }> {
    const usage = t.get(UsageBuffer);
    const held = jest.spyOn(usage, 'flush').mockResolvedValue(undefined);
    const keysHeld = jest.spyOn(t.get(KeyUsage), 'flush').mockResolvedValue(undefined);
    statements.length = 0;
    const started = performance.now();
    try {
      await fn();
      // The outbox workers poll on their own timers (mail, webhooks): not statements of the requests.
      const background = /\bFROM "?(mail_outbox|webhook_deliveries)\b/i;
      return {
        seen: statements.filter((q) => !background.test(q)),
        ttlPeriods: Math.floor((performance.now() - started) / AUTH_STATE_TTL_MS),
      };
    } finally {
      held.mockRestore();
      keysHeld.mockRestore();
    }
  }

  /**
   * Exactly `expected` statements, plus — after `freshState` — a read of the user or the session each time a full
   * TTL has passed (none when the requests take less than AUTH_STATE_TTL_MS, as they do unless the machine is slow).
   */
  const expectStatements = (
    { seen, ttlPeriods }: { seen: string[]; ttlPeriods: number },
    tables: string[],
    expected = 0,
  ) => {
    for (const q of seen) expect(q).toMatch(new RegExp(`^SELECT\\b[\\s\\S]*\\bFROM "(${tables.join('|')})"`, 'i'));
    expect(seen.length).toBeGreaterThanOrEqual(expected);
    expect(seen.length).toBeLessThanOrEqual(expected + ttlPeriods * tables.length);
  };

  /**
   * Writes what the buffered writers hold (a usage flush also drops this instance's cached rows of the users it
   * counted), drops the cached state and reloads it with one request, so the TTL clock starts now.
   */
  const freshState = async (request: () => Promise<{ status: number }>, status: number) => {
    await t.get(UsageBuffer).flush();
    await t.get(SecurityEventWriter).flush();
    await t.get(PrincipalCache).invalidateUser(user.id);
    await t.get(PrincipalCache).invalidateSession(user.sessionId);
    await t.get(KeyUsage).flush();
    await t.get(KeyRegistry).invalidate(user.id);
    expect((await request()).status).toBe(status);
  };

  const times = async (n: number, request: () => Promise<{ status: number }>, status: number) => {
    for (let i = 0; i < n; i++) expect((await request()).status).toBe(status);
  };

  beforeAll(async () => {
    // The outbox workers (webhooks, mail) poll on timers of their own: off, so only the requests' statements count.
    t = await createTestApp({ env: { WEBHOOK_POLL_SECONDS: '0' } });
    await t.get(MailOutboxWorker).onApplicationShutdown();
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
    ['JWT (Authorization: Bearer)', () => user.auth, '', ['users', 'user_sessions']],
    ['API key (X-API-Key)', () => ({ 'X-API-Key': user.apiKey }), '', ['users', 'user_api_keys']],
    [
      'API key (Authorization: Bearer tk_…)',
      () => ({ Authorization: `Bearer ${user.apiKey}` }),
      '',
      ['users', 'user_api_keys'],
    ],
    ['API key (?api_key=)', () => ({}), 'api_key', ['users', 'user_api_keys']],
  ])(
    '%s: after one warm-up request, 100 more make no write and no query (but a TTL refresh)',
    async (_, headers, param, tables) => {
      const query = param ? `?api_key=${encodeURIComponent(user.apiKey)}` : '';
      await freshState(() => noQueryRoute(headers(), query), 422);
      expectStatements(await statementsDuring(() => times(100, () => noQueryRoute(headers(), query), 422)), tables);
    },
  );

  it.each([
    ['JWT', () => user.auth, ['users', 'user_sessions']],
    ['API key', () => ({ 'X-API-Key': user.apiKey }), ['users', 'user_api_keys']],
  ])('GET /auth/me (%s) answers from the cached row: no statement after the warm-up', async (_, headers, tables) => {
    await freshState(() => t.http.get('/auth/me').set(headers()), 200);
    expectStatements(await statementsDuring(() => times(50, () => t.http.get('/auth/me').set(headers()), 200)), tables);
  });

  it('GET /auth/me shows a change at once: the write invalidates the cached row', async () => {
    const me = () => t.http.get('/auth/me').set(user.auth);
    await freshState(me, 200);
    expect((await t.http.put('/auth/profile').set(user.auth).send({ full_name: 'Cached Once' })).status).toBe(200);
    expect((await me()).body.full_name).toBe('Cached Once');
  });

  it('a change is read once: after invalidateUser the next request reloads the user, the ones after do not', async () => {
    await freshState(() => noQueryRoute(user.auth), 422);
    await t.get(PrincipalCache).invalidateUser(user.id);
    const result = await statementsDuring(() => times(10, () => noQueryRoute(user.auth), 422));
    expect(result.seen[0]).toMatch(/^SELECT\b[\s\S]*\bFROM "users"/);
    expectStatements(result, ['users', 'user_sessions'], 1);
  });

  it('the requests are counted without a write per request, and the counts reach the database on flush', async () => {
    const usage = t.get(UsageBuffer);
    await usage.flush();
    const before = (await t.dataSource.getRepository(User).findOneByOrFail({ id: user.id })).usageTotalRequests;
    await freshState(() => noQueryRoute({ 'X-API-Key': user.apiKey }), 422);
    expectStatements(await statementsDuring(() => times(25, () => noQueryRoute({ 'X-API-Key': user.apiKey }), 422)), [
      'users',
    ]);
    expect(usage.pendingRequests(user.id)).toBe(26); // the warm-up request and the 25
    await usage.flush();
    const after = await t.dataSource.getRepository(User).findOneByOrFail({ id: user.id });
    expect(after.usageTotalRequests).toBe(before + 26);
    expect(after.apiKeyLastUsedAt).not.toBeNull();
  });

  it('one keep-alive connection carrying several callers (as from a proxy): each request is its own caller', async () => {
    const other = await createUser(t);
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const { port } = server.address() as AddressInfo;
    const me = (headers: Record<string, string>) =>
      new Promise<{ status: number; reused: boolean; username?: string }>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/auth/me', headers, agent }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              reused: req.reusedSocket,
              username: res.statusCode === 200 ? JSON.parse(body).username : undefined,
            }),
          );
        });
        req.on('error', reject);
      });
    try {
      let requests = 0;
      for (const [headers, expected] of [
        [user.auth, user.username],
        [user.auth, user.username],
        [other.auth, other.username],
        [{ Authorization: `Bearer ${user.accessToken.slice(0, -2)}xx` }, 401],
        [{ 'X-API-Key': other.apiKey }, other.username],
        [user.auth, user.username],
        [{ 'X-API-Key': `${user.apiKey.slice(0, -1)}x` }, 401],
        [{ 'X-API-Key': user.apiKey }, user.username],
      ] as const) {
        const res = await me(headers);
        expect(res.username ?? res.status).toBe(expected);
        expect(res.reused).toBe(requests++ > 0); // one connection throughout
      }
    } finally {
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
