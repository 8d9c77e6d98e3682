import { readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { User } from '../../src/users/entities/user.entity';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser } from '../factories/user.factory';

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

  describe('a refused login does not update the account', () => {
    it.each([
      ['suspended', { isSuspended: true }, 403, 'ACCOUNT_SUSPENDED'],
      ['inactive', { isActive: false }, 403, 'INACTIVE_USER'],
    ] as const)(
      '%s user with the right password: the failures are not reset, no last_login_at',
      async (_n, flags, status, code) => {
        const u = await createUser(t);
        const users = t.dataSource.getRepository(User);
        await users.update({ id: u.id }, { ...flags, failedLoginAttempts: 2, lastLoginAt: null });
        const res = await t.http.post('/auth/login').send({ username: u.username, password: u.password });
        expect([res.status, res.body.code]).toEqual([status, code]);
        const row = await users.findOneByOrFail({ id: u.id });
        expect(row.lastLoginAt).toBeNull();
        expect(row.failedLoginAttempts).toBe(3); // the refused attempt counts like any other
      },
    );
  });

  describe('the access log redacts query credentials however their name is spelled', () => {
    it.each(['api%5Fkey', '%61pi_key', 'api_key'])('?%s=tk_… authenticates and the key is not logged', async (name) => {
      const u = await createUser(t);
      await t.http.get(`/auth/me?${name}=${encodeURIComponent(u.apiKey)}`).expect(200);
      await new Promise((r) => setTimeout(r, 200)); // the log stream is asynchronous
      const log = readFileSync(t.logFile, 'utf8');
      expect(log).toContain(`${name}=[REDACTED]`);
      expect(log).not.toContain(u.apiKey);
    });
  });

  describe('a username typed at login never reaches the log (it stays, truncated, in the audit table)', () => {
    it('login_failed for an unknown name and for a wrong password: no username_attempted in the log', async () => {
      const u = await createUser(t);
      const typed = `Typed-Password-${Date.now()}`;
      await t.http.post('/auth/login').send({ username: typed, password: 'whatever-1' }).expect(401);
      await t.http.post('/auth/login').send({ username: u.username, password: 'wrong-password-1' }).expect(401);
      await new Promise((r) => setTimeout(r, 200)); // the event is logged when recorded; the log stream is asynchronous
      const log = readFileSync(t.logFile, 'utf8');
      expect(log).toContain('login_failed');
      expect(log).not.toContain(typed);
      expect(log).not.toContain('username_attempted');
      const rows = await t.dataSource.query(`SELECT username_attempted FROM login_history`);
      expect(rows.map((r: { username_attempted: string }) => r.username_attempted)).toContain(typed);
    });
  });

  describe('request and connection timeouts', () => {
    it('are on by default', () => {
      const server = t.app.getHttpServer() as { requestTimeout: number; timeout: number };
      expect(server.requestTimeout).toBe(60_000);
      expect(server.timeout).toBe(75_000);
    });

    it('a client that never finishes its body is answered 408 and disconnected', async () => {
      // The same secret: passport's strategies are process-wide, the second app's would replace the first's.
      const slow = await createTestApp({ env: { REQUEST_TIMEOUT_MS: '1000', SECRET_KEY: t.config.jwt.secret } });
      try {
        await slow.app.listen(0, '127.0.0.1');
        const { port } = slow.app.getHttpServer().address() as { port: number };
        const started = Date.now();
        const answer = await new Promise<string>((resolve) => {
          let got = '';
          const socket = connect(port, '127.0.0.1', () =>
            socket.write(
              'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"us',
            ),
          );
          socket.on('data', (d) => (got += d.toString()));
          socket.on('close', () => resolve(got));
          setTimeout(() => socket.destroy(), 10_000);
        });
        expect(answer).toMatch(/^HTTP\/1\.1 408/);
        expect(Date.now() - started).toBeLessThan(5_000); // closed by the server, not by the 10 s fallback
      } finally {
        await slow.close();
      }
    });
  });

  describe('the SQLite database file', () => {
    it('is readable and writable by its owner only (0600), and so is its write-ahead log', async () => {
      if (t.driver !== 'sqlite') return; // PostgreSQL keeps its own files
      await createUser(t); // a write, so the -wal file exists
      for (const file of [t.dbFile!, `${t.dbFile}-wal`]) expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    });
  });

  describe("a suspension's reason is optional (contract correction)", () => {
    it('single and bulk suspensions without a reason succeed and are recorded without one', async () => {
      const admin = await createAdmin(t);
      const [a, b] = [await createUser(t), await createUser(t)];
      const one = await t.http.post(`/auth/admin/users/${a.id}/suspend`).set(admin.auth).send({});
      expect([one.status, one.body.detail]).toEqual([200, undefined]);
      const bulk = await t.http
        .post('/auth/admin/users/bulk')
        .set(admin.auth)
        .send({ action: 'suspend', user_ids: [b.id] });
      expect(bulk.status).toBe(200);
      const users = t.dataSource.getRepository(User);
      for (const id of [a.id, b.id])
        expect(await users.findOneByOrFail({ id })).toMatchObject({ isSuspended: true, suspendedReason: null });
      // A given reason is still validated and kept.
      await t.http.post(`/auth/admin/users/${a.id}/suspend`).set(admin.auth).send({ reason: '' }).expect(422);
    });
  });

  describe('the lockout tells no one which names exist', () => {
    const MAX = 3;
    let l: TestApp;
    beforeAll(async () => {
      l = await createTestApp({ env: { LOCKOUT_MAX_ATTEMPTS: String(MAX), LOCKOUT_MINUTES: '2' } });
    });
    afterAll(() => l.close());

    const attempt = async (username: string, password: string) => {
      const res = await l.http.post('/auth/login').send({ username, password });
      return [res.status, res.body.code, res.headers['retry-after'] && Number(res.headers['retry-after'])];
    };

    it('an unknown name answers like an account: 401s, 423 from the attempt that locks, 423 while locked, then 401', async () => {
      const u = await createUser(l);
      const ghost = `ghost_${randomBytes(4).toString('hex')}`;
      const answers = async (name: string, right: string) => {
        const seen = [];
        for (let i = 0; i < MAX; i++) seen.push(await attempt(name, 'not-the-password'));
        seen.push(await attempt(name, right)); // locked: even the right password (or any) is refused
        return seen;
      };
      const known = await answers(u.username, u.password);
      const unknown = await answers(ghost.toUpperCase(), 'anything-at-all'); // names compare case-insensitively
      expect(known.map(([s, c]) => [s, c])).toEqual([
        ...Array(MAX - 1).fill([401, 'INVALID_CREDENTIALS']),
        [423, 'ACCOUNT_LOCKED'],
        [423, 'ACCOUNT_LOCKED'],
      ]);
      expect(unknown.map(([s, c]) => [s, c])).toEqual(known.map(([s, c]) => [s, c]));
      for (let i = MAX - 1; i <= MAX; i++)
        expect(Math.abs(Number(unknown[i][2]) - Number(known[i][2]))).toBeLessThanOrEqual(1);
      expect(Number(unknown[MAX][2])).toBeGreaterThan(100); // two minutes

      l.clock.advance(2 * 60_000 + 1000);
      expect((await attempt(ghost, 'not-the-password'))[0]).toBe(401);
      expect((await attempt(u.username, 'not-the-password'))[0]).toBe(401);
    });

    it('with Redis, two instances count an unknown name together', async () => {
      const env = { LOCKOUT_MAX_ATTEMPTS: String(MAX), REDIS_URL: 'redis://127.0.0.1:6379/5' };
      const a = await createTestApp({ env });
      const b = await createTestApp({ env, databaseUrl: a.databaseUrl });
      try {
        const ghost = `ghost_${randomBytes(6).toString('hex')}`;
        const statuses = [];
        for (let i = 0; i <= MAX; i++)
          statuses.push(
            (await (i % 2 ? b : a).http.post('/auth/login').send({ username: ghost, password: 'x-x-x-x-x' })).status,
          );
        expect(statuses).toEqual([...Array(MAX - 1).fill(401), 423, 423]);
      } finally {
        await b.close();
        await a.close();
      }
    });

    it('a wrong current_password counts toward the lockout (password and email change); a right one gives its attempt back', async () => {
      const u = await createUser(l);
      const change = (current: string) =>
        l.http
          .post('/auth/change-password')
          .set(u.auth)
          .send({ current_password: current, new_password: 'a-brand-new-passphrase-9' });
      const email = (current: string) =>
        l.http
          .put('/auth/profile')
          .set(u.auth)
          .send({ email: `moved-${u.username}@example.com`, current_password: current });
      expect((await change('wrong-current-pw')).status).toBe(422);
      // A right one (here with a new password the policy refuses) neither counts nor clears the count.
      await l.http
        .post('/auth/change-password')
        .set(u.auth)
        .send({ current_password: u.password, new_password: 'password' })
        .expect(422);
      expect((await l.dataSource.getRepository(User).findOneByOrFail({ id: u.id })).failedLoginAttempts).toBe(1);
      expect((await email('wrong-current-pw')).status).toBe(422);
      const locking = await change('still-wrong-pw');
      expect([locking.status, locking.body.code]).toEqual([423, 'ACCOUNT_LOCKED']);
      // Locked everywhere: the right current password and the right login password are refused.
      expect((await change(u.password)).status).toBe(423);
      expect((await email(u.password)).status).toBe(423);
      expect((await attempt(u.username, u.password))[0]).toBe(423);
      const history = await l.http.get('/auth/login-history').set(u.auth).expect(200);
      expect(JSON.stringify(history.body)).toContain('current_password');
    });
  });
});
