import { MailOutboxWorker } from '../../src/mail/mail-outbox.worker';
import { createTestApp, TestApp } from '../app.factory';
import { createUser } from '../factories/user.factory';
import { SmtpSink } from '../support/smtp-sink';

/** Sending limits (rate limits on) and REQUIRE_VERIFIED_EMAIL. */
describe('email: sending limits and REQUIRE_VERIFIED_EMAIL', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let ipSeq = 10;
  const newIp = () => ({ 'X-Forwarded-For': `192.0.2.${ipSeq++}` });
  const drain = () => t.get(MailOutboxWorker).drain();

  beforeAll(async () => {
    await sink.start();
    t = await createTestApp({
      env: {
        SMTP_URL: sink.url,
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_AUTH_PER_MINUTE: '3',
        REQUIRE_VERIFIED_EMAIL: 'true',
        TRUST_PROXY: 'true',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await sink.stop();
  });

  it('per address and purpose: 1 a minute, 5 an hour; a limited request answers 202 with the same body', async () => {
    const u = await createUser(t, { isVerified: true });
    const ask = () => t.http.post('/auth/password-reset').set(newIp()).send({ email: u.email });
    const first = await ask().expect(202);
    const second = await ask().expect(202);
    expect(second.text).toBe(first.text);
    await sink.waitFor(u.email, /Reset/);
    await drain();
    expect(sink.to(u.email, /Reset/)).toHaveLength(1);
    // Another purpose has its own budget.
    await t.http.post('/auth/email-verification').set(u.auth).expect(409);
    for (let i = 2; i <= 6; i++) {
      t.clock.advance(61_000);
      await ask().expect(202);
    }
    await drain();
    expect(sink.to(u.email, /Reset/)).toHaveLength(5); // the sixth within the hour sent nothing
    t.clock.advance(3600_000);
    await ask().expect(202);
    await sink.waitFor(u.email, /Reset/, 6);
  });

  it('per IP: RATE_LIMIT_AUTH_PER_MINUTE requests, then 202 and nothing sent', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, () => createUser(t, { isVerified: true })));
    const ip = newIp();
    for (const u of users) await t.http.post('/auth/password-reset').set(ip).send({ email: u.email }).expect(202);
    await drain();
    await sink.waitFor(users[2].email, /Reset/);
    expect(users.map((u) => sink.to(u.email, /Reset/).length)).toEqual([1, 1, 1, 0, 0]);
    // Another client is not held back.
    await t.http.post('/auth/password-reset').set(newIp()).send({ email: users[4].email }).expect(202);
    await sink.waitFor(users[4].email, /Reset/);
  });

  it('verification requests are limited per address too', async () => {
    const u = await createUser(t);
    await t.http.post('/auth/email-verification').set(u.auth).set(newIp()).expect(202);
    await t.http.post('/auth/email-verification').set(u.auth).set(newIp()).expect(202);
    await sink.waitFor(u.email, /Confirm/);
    await drain();
    expect(sink.to(u.email, /Confirm/)).toHaveLength(1);
  });

  it('REQUIRE_VERIFIED_EMAIL refuses sign-in of unverified users on every credential path (after the password)', async () => {
    const u = await createUser(t);
    const res = await t.http.post('/auth/login').set(newIp()).send({ username: u.username, password: u.password });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ detail: 'Email not verified', code: 'EMAIL_NOT_VERIFIED' });
    const token = await t.http
      .post('/auth/token')
      .set(newIp())
      .type('form')
      .send({ username: u.email, password: u.password });
    expect(token.status).toBe(403);
    expect(token.body.detail).toBe('Email not verified');
    // A wrong password is still the usual 401: the 403 tells nothing to someone without the password.
    await t.http.post('/auth/login').set(newIp()).send({ username: u.username, password: 'wrong-wrong' }).expect(401);

    await t.http.post('/auth/email-verification').set(u.auth).set(newIp()).expect(202);
    const [mail] = await sink.waitFor(u.email, /Confirm/);
    await t.http.post('/auth/email-verification/confirm').set(newIp()).send({ token: mail.token }).expect(200);
    await t.http.post('/auth/login').set(newIp()).send({ username: u.username, password: u.password }).expect(200);
  });

  it('with Redis, instances count together: a second instance refuses what the first already sent', async () => {
    // This engineer's Redis database; a random address and client IP per run (the counters outlive the test).
    const env = {
      SMTP_URL: sink.url,
      RATE_LIMIT_ENABLED: 'true',
      TRUST_PROXY: 'true',
      REDIS_URL: process.env.TEST_MAIL_REDIS_URL ?? 'redis://127.0.0.1:6379/13',
    };
    const a = await createTestApp({ databaseUrl: t.databaseUrl, env });
    const b = await createTestApp({ databaseUrl: t.databaseUrl, env });
    try {
      const u = await createUser(a, { isVerified: true });
      const ip = { 'X-Forwarded-For': `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` };
      await a.http.post('/auth/password-reset').set(ip).send({ email: u.email }).expect(202);
      await sink.waitFor(u.email, /Reset/);
      await b.http.post('/auth/password-reset').set(newIp()).send({ email: u.email }).expect(202);
      await Promise.all([a.get(MailOutboxWorker).drain(), b.get(MailOutboxWorker).drain(), drain()]);
      expect(sink.to(u.email, /Reset/)).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('RATE_LIMIT_ENABLED=false lifts the sending limits', async () => {
    const free = await createTestApp({ databaseUrl: t.databaseUrl, env: { SMTP_URL: sink.url } });
    try {
      const u = await createUser(free, { isVerified: true });
      for (let i = 0; i < 3; i++) await free.http.post('/auth/password-reset').send({ email: u.email }).expect(202);
      await sink.waitFor(u.email, /Reset/, 3);
    } finally {
      await free.close();
    }
  });
});
