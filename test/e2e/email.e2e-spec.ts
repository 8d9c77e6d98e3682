import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { secondFactorRemovedNotice } from '../../src/mail/email-flows.service';
import { MailOutboxWorker } from '../../src/mail/mail-outbox.worker';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';
import { createPgDatabase } from '../support/infrastructure';
import { SmtpSink } from '../support/smtp-sink';

const PUBLIC_URL = 'https://gate.example.test';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** SQL with $1… placeholders on either driver. */
const sql = (t: TestApp, text: string, params: unknown[] = []) =>
  t.dataSource.query(t.driver === 'sqlite' ? text.replace(/\$\d+/g, '?') : text, params);

async function eventually<T>(probe: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('email: verification, password reset by link, notices, through an SMTP outbox', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let admin: TestUser;
  // The admin's API key: the tests move the clock by days, past any access token's expiry.
  const adminKey = () => ({ 'X-API-Key': admin.apiKey });
  const login = (username: string, password: string) => t.http.post('/auth/login').send({ username, password });

  beforeAll(async () => {
    await sink.start();
    t = await createTestApp({ env: { SMTP_URL: sink.url, PUBLIC_URL, TRUST_PROXY: 'true' } });
    admin = await createAdmin(t, { isVerified: true });
  });
  afterAll(async () => {
    await t?.close();
    await sink.stop();
  });

  describe('verification', () => {
    it('registration sends a link; GET never spends it; confirm verifies once; the token is only hashed at rest', async () => {
      const email = `reg_${Date.now()}@example.com`;
      const reg = await t.http
        .post('/auth/register')
        .send({ email, username: `reg_${Date.now()}`, password: 'Correct-Horse-42' })
        .expect(201);
      expect(reg.body.is_verified).toBe(false);
      const [mail] = await sink.waitFor(email, /Confirm your email/);
      expect(mail.from).toBe('no-reply@localhost');
      expect(mail.link).toMatch(new RegExp(`^${PUBLIC_URL}/account/verify-email\\?token=[A-Za-z0-9_-]{43,}$`));
      for (const body of [mail.text, mail.html]) {
        expect(body).toContain('Voicegate');
        expect(body).toContain(PUBLIC_URL);
        expect(body).toContain(mail.token);
      }
      expect(mail.messageId).toMatch(/@gate\.example\.test>$/);
      const token = mail.token!;
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);

      const stored = await sql(t, 'SELECT token_hash, purpose, email FROM email_tokens WHERE user_id = $1', [
        reg.body.id,
      ]);
      expect(stored).toEqual([{ token_hash: sha256(token), purpose: 'verify_email', email }]);
      const outbox = await eventually(async () => {
        const rows = await sql(t, 'SELECT * FROM mail_outbox WHERE user_id = $1', [reg.body.id]);
        expect(rows).toMatchObject([{ status: 'sent', kind: 'verify_email', to_address: email }]);
        return rows;
      });
      expect(JSON.stringify(outbox)).not.toContain(token);

      // What a mail scanner does: open the link. The token stays good.
      await t.http.get(`/account/verify-email?token=${token}`);
      await t.http.head(`/account/verify-email?token=${token}`);

      const ok = await t.http.post('/auth/email-verification/confirm').send({ token }).expect(200);
      expect(ok.body).toMatchObject({ id: reg.body.id, email, is_verified: true });
      expect(ok.body.hashed_password).toBeUndefined();
      const again = await t.http.post('/auth/email-verification/confirm').send({ token }).expect(400);
      expect(again.body).toMatchObject({ code: 'EMAIL_TOKEN_INVALID', status: 400 });
      expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
      const me = await t.http.get('/auth/me').set('X-API-Key', reg.body.api_key).expect(200);
      expect(me.body.is_verified).toBe(true);
    });

    it('on request (authenticated, 202): a newer link kills the older; verified → 409; anonymous → 401', async () => {
      const u = await createUser(t);
      await t.http.post('/auth/email-verification').expect(401);
      const res = await t.http.post('/auth/email-verification').set(u.auth).expect(202);
      expect(res.body).toEqual({ detail: expect.any(String) });
      const [first] = await sink.waitFor(u.email, /Confirm/);
      await t.http.post('/auth/email-verification').set('X-API-Key', u.apiKey).expect(202);
      const [, second] = await sink.waitFor(u.email, /Confirm/, 2);
      expect(second.token).not.toBe(first.token);
      await t.http.post('/auth/email-verification/confirm').send({ token: first.token }).expect(400);
      await t.http.post('/auth/email-verification/confirm').send({ token: second.token }).expect(200);
      const verified = await t.http.post('/auth/email-verification').set(u.auth).expect(409);
      expect(verified.body.code).toBe('EMAIL_ALREADY_VERIFIED');
    });

    it('bad input is a clear 4xx and changes nothing', async () => {
      for (const body of [{}, { token: '' }, { token: 42 }, { token: 'x'.repeat(300) }, { token: 'a', extra: 1 }])
        expect([400, 422]).toContain((await t.http.post('/auth/email-verification/confirm').send(body)).status);
      await t.http.post('/auth/email-verification/confirm').send({ token: 'not-a-token' }).expect(400);
      await t.http.post('/auth/password-reset').send({ email: 'not an address' }).expect(422);
      await t.http
        .post('/auth/password-reset/confirm')
        .send({ token: 'nope', new_password: 'Fresh-Pass-2024' })
        .expect(400);
      await t.http.post('/auth/password-reset/confirm').send({ token: 'nope' }).expect(422);
    });

    it('a link is good for 24 hours', async () => {
      const u = await createUser(t);
      await t.http.post('/auth/email-verification').set(u.auth).expect(202);
      const [mail] = await sink.waitFor(u.email, /Confirm/);
      t.clock.advance(24 * 3600_000 + 1000);
      await t.http.post('/auth/email-verification/confirm').send({ token: mail.token }).expect(400);
    });

    it('parallel confirms of one link: exactly one succeeds', async () => {
      const u = await createUser(t);
      await t.http.post('/auth/email-verification').set(u.auth).expect(202);
      const [mail] = await sink.waitFor(u.email, /Confirm/);
      const statuses = await Promise.all(
        Array.from({ length: 8 }, () =>
          t.http
            .post('/auth/email-verification/confirm')
            .send({ token: mail.token })
            .then((r) => r.status),
        ),
      );
      expect(statuses.sort()).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
    });
  });

  describe('password reset', () => {
    it('answers the same status, body, headers and time for known and unknown addresses; only a known one gets mail', async () => {
      const u = await createUser(t);
      const unknown = `nobody_${Date.now()}@example.com`;
      const ask = async (email: string) => {
        const started = performance.now();
        const res = await t.http.post('/auth/password-reset').set({ 'X-Request-Id': 'same-id' }).send({ email });
        return { res, ms: performance.now() - started };
      };
      const known: number[] = [];
      const other: number[] = [];
      for (let i = 0; i < 4; i++) {
        const a = await ask(u.email);
        const b = await ask(unknown);
        expect(a.res.status).toBe(202);
        expect(b.res.status).toBe(202);
        expect(a.res.text).toBe(b.res.text);
        const strip = (h: Record<string, string>) => {
          const { date: _date, ...rest } = h;
          return rest;
        };
        expect(strip(a.res.headers)).toEqual(strip(b.res.headers));
        known.push(a.ms);
        other.push(b.ms);
      }
      // Equal time comes from the floor: both answers wait until 250 ms have passed, and a known address's extra
      // work (one outbox insert) is far shorter. Only the floor is asserted: wall-clock differences between two
      // answers on a loaded CI machine are scheduling noise, not a property of the code.
      expect(Math.min(...known, ...other)).toBeGreaterThanOrEqual(240);
      // Anything sent has gone out by the time the next request's floor has passed.
      await sink.waitFor(u.email, /Reset your/, 4);
      await t.get(MailOutboxWorker).drain();
      expect(sink.to(unknown)).toEqual([]);
    });

    it('confirm: §3 policy (a refused password keeps the link), then set once, sessions end, lockout clears', async () => {
      const u = await createUser(t);
      // Lock the account.
      for (let i = 0; i < t.config.lockout.maxAttempts; i++) await login(u.username, 'wrong-password-x');
      await login(u.username, u.password).expect(423);
      await t.http.post('/auth/password-reset').send({ email: u.email.toUpperCase() }).expect(202);
      const [mail] = await sink.waitFor(u.email, /Reset your/);
      expect(mail.link).toMatch(new RegExp(`^${PUBLIC_URL}/account/reset-password\\?token=`));
      expect(mail.text).toContain('1 hour');

      const weak = await t.http
        .post('/auth/password-reset/confirm')
        .send({ token: mail.token, new_password: 'password' })
        .expect(422);
      expect(weak.body.errors).toEqual([expect.objectContaining({ field: 'new_password' })]);
      await t.http
        .post('/auth/password-reset/confirm')
        .send({ token: mail.token, new_password: u.username })
        .expect(422);

      const fresh = 'Brand-New-Passphrase-77';
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          t.http.post('/auth/password-reset/confirm').send({ token: mail.token, new_password: fresh }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([204, 400, 400, 400]);
      await t.http.get('/auth/me').set(u.auth).expect(401); // every session ended
      await login(u.username, u.password).expect(401);
      const ok = await login(u.username, fresh).expect(200);
      expect(ok.body.user.locked_until).toBeNull();
      expect(ok.body.user.is_verified).toBe(true); // the link proved the mailbox
      const [notice] = await sink.waitFor(u.email, /password was changed/);
      expect(notice.token).toBeUndefined();
      const events = await t.http
        .get('/auth/security-events')
        .set({ Authorization: `Bearer ${ok.body.tokens.access_token}` });
      expect(JSON.stringify(events.body)).toContain('password_reset');
    });

    it('a reset link lasts 1 hour, and a newer one kills the older', async () => {
      const u = await createUser(t);
      await t.http.post('/auth/password-reset').send({ email: u.email }).expect(202);
      await t.http.post('/auth/password-reset').send({ email: u.email }).expect(202);
      const [a, b] = await sink.waitFor(u.email, /Reset your/, 2);
      await t.http
        .post('/auth/password-reset/confirm')
        .send({ token: a.token, new_password: 'Another-Good-One-5' })
        .expect(400);
      t.clock.advance(3600_000 + 1000);
      await t.http
        .post('/auth/password-reset/confirm')
        .send({ token: b.token, new_password: 'Another-Good-One-5' })
        .expect(400);
      await login(u.username, u.password).expect(200);
    });

    it('suspended accounts get no reset mail (same answer)', async () => {
      const u = await createUser(t);
      await t.http.post(`/auth/admin/users/${u.id}/suspend`).set(adminKey()).send({ reason: 'x' }).expect(200);
      await t.http.post('/auth/password-reset').send({ email: u.email }).expect(202);
      await t.get(MailOutboxWorker).drain();
      expect(sink.to(u.email, /Reset/)).toEqual([]);
    });
  });

  describe('notices and admin actions', () => {
    it('an email change sends a verification to the new address and a notice to the old; old links die', async () => {
      const u = await createUser(t);
      await t.http.post('/auth/email-verification').set(u.auth).expect(202);
      const [old] = await sink.waitFor(u.email, /Confirm/);
      const next = `moved_${Date.now()}@example.com`;
      await t.http.put('/auth/profile').set(u.auth).send({ email: next }).expect(422); // needs current_password
      const res = await t.http.put('/auth/profile').set(u.auth).send({ email: next, current_password: u.password });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ email: next, is_verified: false });
      const [notice] = await sink.waitFor(u.email, /address of your .* was changed/);
      expect(notice.text).toContain(next);
      expect(notice.token).toBeUndefined();
      const [verify] = await sink.waitFor(next, /Confirm/);
      await t.http.post('/auth/email-verification/confirm').send({ token: old.token }).expect(400);
      const ok = await t.http.post('/auth/email-verification/confirm').send({ token: verify.token }).expect(200);
      expect(ok.body).toMatchObject({ email: next, is_verified: true });
    });

    it('an admin changing the address also tells the old one', async () => {
      const admin = await createAdmin(t);
      const u = await createUser(t);
      const next = `admin_moved_${Date.now()}@example.com`;
      await t.http.put(`/auth/admin/users/${u.id}`).set(admin.auth).send({ email: next }).expect(200);
      const [notice] = await sink.waitFor(u.email, /address of your .* was changed/);
      expect(notice.text).toContain(next);
      expect(notice.token).toBeUndefined();
    });

    it('a password change sends a notice', async () => {
      const u = await createUser(t);
      await t.http
        .post('/auth/change-password')
        .set(u.auth)
        .send({ current_password: u.password, new_password: 'Changed-Pass-Word-9' })
        .expect(204);
      const [mail] = await sink.waitFor(u.email, /password was changed/);
      expect(mail.html).toContain('Voicegate');
    });

    it('a flagged sign-in sends a notice', async () => {
      const u = await createUser(t);
      const from = (ip: string) => ({ 'X-Forwarded-For': ip });
      for (let i = 0; i < 3; i++)
        await t.http
          .post('/auth/login')
          .set(from('198.51.100.7'))
          .send({ username: u.username, password: 'nope-nope' })
          .expect(401);
      const ok = await t.http
        .post('/auth/login')
        .set(from('203.0.113.50'))
        .send({ username: u.username, password: u.password });
      expect(ok.status).toBe(200);
      const [mail] = await sink.waitFor(u.email, /Unusual sign-in/);
      expect(mail.text).toContain('203.0.113.50');
    });

    it('a removed second factor sends a notice (the event the MFA module publishes, and the function it can call)', async () => {
      const u = await createUser(t);
      const uow = t.get(UnitOfWork);
      await uow.publish({ name: 'mfa.disabled', payload: { user_id: u.id, method: 'totp' } });
      const [mail] = await sink.waitFor(u.email, /second factor was removed/);
      expect(mail.text).toContain('totp');
      const now = t.clock.date();
      await uow.run(function* (unit) {
        yield* secondFactorRemovedNotice(unit, { userId: u.id, method: 'passkey', now });
      });
      t.get(MailOutboxWorker).kick();
      await sink.waitFor(u.email, /second factor was removed/, 2);
    });

    it('admins send a reset or verification link; others may not; unknown ids are 404', async () => {
      const u = await createUser(t);
      await t.http.post(`/auth/admin/users/${u.id}/send-password-reset`).set(u.auth).expect(403);
      await t.http.post(`/auth/admin/users/${u.id}/send-password-reset`).expect(401);
      await t.http
        .post('/auth/admin/users/00000000-0000-4000-8000-000000000000/send-password-reset')
        .set(adminKey())
        .expect(404);
      await t.http.post('/auth/admin/users/not-a-uuid/send-verification').set(adminKey()).expect(404);
      await t.http.post(`/api/auth/admin/users/${u.id}/send-password-reset`).set(adminKey()).expect(202);
      await t.http.post(`/auth/admin/users/${u.id}/send-verification`).set(adminKey()).expect(202);
      await sink.waitFor(u.email, /Reset your/);
      await sink.waitFor(u.email, /Confirm/);
      await t.http.post(`/auth/admin/users/${admin.id}/send-verification`).set(adminKey()).expect(409);
    });
  });

  describe('delivery', () => {
    it('an SMTP outage loses nothing: the sink stopped, then started again, the mail arrives once', async () => {
      const u = await createUser(t);
      await sink.stop();
      const started = performance.now();
      await t.http.post(`/auth/admin/users/${u.id}/send-password-reset`).set(adminKey()).expect(202);
      expect(performance.now() - started).toBeLessThan(2000); // no request waits for SMTP
      const [row] = await eventually(async () => {
        const rows = await sql(t, `SELECT * FROM mail_outbox WHERE user_id = $1 AND kind = 'password_reset'`, [u.id]);
        if (!rows.length || rows[0].last_error === null) throw new Error('not tried yet');
        return rows;
      });
      expect(row).toMatchObject({ status: 'pending', attempts: 1, claim_id: null });
      await sink.start();
      t.clock.advance(11_000);
      await t.get(MailOutboxWorker).drain();
      const [mail] = await sink.waitFor(u.email, /Reset your/);
      await t.http
        .post('/auth/password-reset/confirm')
        .send({ token: mail.token, new_password: 'After-Outage-Pass-1' })
        .expect(204);
      await t.get(MailOutboxWorker).drain();
      expect(sink.to(u.email, /Reset your/)).toHaveLength(1);
      const [sent] = await sql(t, 'SELECT status, attempts FROM mail_outbox WHERE id = $1', [row.id]);
      expect(sent).toEqual({ status: 'sent', attempts: 2 });
    });

    it('two instances on one database share one outbox: every mail is sent once', async () => {
      const t2 = await createTestApp({ databaseUrl: t.databaseUrl, env: { SMTP_URL: sink.url, PUBLIC_URL } });
      try {
        t2.clock.advance(t.clock.now() - t2.clock.now());
        const users = await Promise.all(Array.from({ length: 12 }, () => createUser(t)));
        // Queued at once through instance 2's admin API and instance 1's, then both workers drain together.
        const a2 = await createAdmin(t2, { isVerified: true });
        await Promise.all(
          users.map((u, i) =>
            (i % 2 ? t2.http : t.http)
              .post(`/auth/admin/users/${u.id}/send-password-reset`)
              .set(i % 2 ? { 'X-API-Key': a2.apiKey } : adminKey())
              .expect(202),
          ),
        );
        await Promise.all([t.get(MailOutboxWorker).drain(), t2.get(MailOutboxWorker).drain()]);
        for (const u of users) await sink.waitFor(u.email, /Reset your/);
        await Promise.all([t.get(MailOutboxWorker).drain(), t2.get(MailOutboxWorker).drain()]);
        for (const u of users) expect(sink.to(u.email, /Reset your/)).toHaveLength(1);
        const ids = users.flatMap((u) => sink.to(u.email).map((m) => m.messageId));
        expect(new Set(ids).size).toBe(users.length);
      } finally {
        await t2.close();
      }
    });

    it('a pending mail survives a restart', async () => {
      // A database of its own, kept when its first instance closes.
      const pg = t.driver === 'postgres' ? await createPgDatabase('vg_mail_restart') : null;
      const file = join(tmpdir(), `voicegate-mail-restart-${process.pid}-${Date.now()}.db`);
      const databaseUrl = pg ? pg.url : `sqlite:${file}`;
      const env = { SMTP_URL: sink.url, PUBLIC_URL };
      let a = await createTestApp({ databaseUrl, env });
      try {
        const u = await createUser(a);
        const adm = await createAdmin(a);
        await sink.stop();
        await a.http.post(`/auth/admin/users/${u.id}/send-password-reset`).set({ 'X-API-Key': adm.apiKey }).expect(202);
        await eventually(async () => {
          const [row] = await sql(a, `SELECT last_error FROM mail_outbox WHERE user_id = $1`, [u.id]);
          if (!row?.last_error) throw new Error('not tried yet');
        });
        await a.close();
        await sink.start();
        a = await createTestApp({ databaseUrl, env });
        a.clock.advance(11_000);
        await a.get(MailOutboxWorker).drain();
        await sink.waitFor(u.email, /Reset your/);
        expect(sink.to(u.email)).toHaveLength(1);
      } finally {
        await a.close();
        if (pg) await pg.drop();
        else for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      }
    });
  });
});

describe('email without SMTP_URL', () => {
  it('development: mail is written as .eml files in data/mail beside the database, never to the log', async () => {
    const t = await createTestApp();
    try {
      const u = await createUser(t);
      await t.http.post('/auth/email-verification').set(u.auth).expect(202);
      const dir = t.config.mail.dir;
      const file = await eventually(async () => {
        const f = existsSync(dir) && readdirSync(dir).find((n) => readFileSync(join(dir, n), 'utf8').includes(u.email));
        if (!f) throw new Error('no .eml yet');
        return join(dir, f);
      });
      const eml = readFileSync(file, 'utf8');
      expect(eml).toMatch(/verify-email\?token=/);
      rmSync(file);
      const token = /token=([A-Za-z0-9_-]+)/.exec(eml)![1];
      expect(readFileSync(t.logFile, 'utf8')).not.toContain(token);
      if (t.dbFile) expect(dir).toBe(join(t.dbFile, '..', 'mail'));
    } finally {
      await t.close();
    }
  });

  it('production: the email routes answer 503 EMAIL_DISABLED', async () => {
    const t = await createTestApp({ env: { NODE_ENV: 'production' } });
    try {
      const u = await createUser(t);
      const admin = await createAdmin(t);
      const calls = [
        t.http.post('/auth/email-verification').set(u.auth),
        t.http.post('/auth/email-verification/confirm').send({ token: 'x'.repeat(43) }),
        t.http.post('/auth/password-reset').send({ email: u.email }),
        t.http.post('/auth/password-reset/confirm').send({ token: 'x'.repeat(43), new_password: 'Whatever-Pass-1' }),
        t.http.post(`/auth/admin/users/${u.id}/send-password-reset`).set(admin.auth),
        t.http.post(`/auth/admin/users/${u.id}/send-verification`).set(admin.auth),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(503);
        expect(res.body.code).toBe('EMAIL_DISABLED');
      }
      // Registration still works; it sends nothing.
      await t.http
        .post('/auth/register')
        .send({ email: 'prod@example.com', username: 'prod_user', password: 'Correct-Horse-42' })
        .expect(201);
      expect(await sql(t, 'SELECT id FROM mail_outbox')).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
