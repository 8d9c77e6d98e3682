import { randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { generateSync } from 'otplib';
import { Webhook } from 'standardwebhooks';
import { Clock } from '../../src/common/clock';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { User } from '../../src/users/entities/user.entity';
import { WebhookDelivery } from '../../src/webhooks/entities/webhook-delivery.entity';
import { WebhookEndpoint } from '../../src/webhooks/entities/webhook-endpoint.entity';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher';
import { createTestApp, currentDriver, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';
import { recordSecret } from '../security/secrets';

/** What a receiver got: the raw body, its headers, and the parsed JSON. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, unknown> };
}
type Answer = number | 'hang' | { redirect: string };

/** A webhook receiver on loopback, inside the test: records every request and answers as told (200 by default). */
class Receiver {
  readonly got: Received[] = [];
  private readonly answers: Answer[] = [];
  private server!: Server;
  private readonly hanging = new Set<ServerResponse>();

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.got.push({ headers: req.headers, body, json: JSON.parse(body) });
        const answer = this.answers.shift() ?? 200;
        if (answer === 'hang') return void this.hanging.add(res);
        if (typeof answer === 'object') return void res.writeHead(302, { location: answer.redirect }).end();
        res.writeHead(answer).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** The next requests are answered with these, in order. */
  answer(...answers: Answer[]): void {
    this.answers.push(...answers);
  }

  /** Forgets what was received and what was to be answered. */
  reset(): void {
    this.got.length = 0;
    this.answers.length = 0;
  }

  of(type: string, userId?: string): Received[] {
    return this.got.filter((r) => r.json.type === type && (userId === undefined || r.json.data.user_id === userId));
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Standard Webhooks verification against the app's clock (the package checks the timestamp against Date.now). */
function verify(secret: string, r: Received, clock: Clock): unknown {
  const now = clock.now();
  const spy = jest.spyOn(Date, 'now').mockReturnValue(now);
  try {
    return new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
  } finally {
    spy.mockRestore();
  }
}

const ALL_EVENTS = [
  'user.created',
  'user.updated',
  'user.suspended',
  'user.unsuspended',
  'user.deleted',
  'session.revoked',
  'api_key.created',
  'api_key.revoked',
  'mfa.disabled',
  'security.alert',
  'quota.threshold',
];
/** Admins call with their API key: it does not expire when a test moves the clock by hours. */
const key = (u: TestUser) => ({ 'X-API-Key': u.apiKey });
const SECRET_FIELD = /secret|token|password|hash/i;
const SECRET_VALUE = /whsec_|tk_|eyJ|\$2[aby]\$/;

/** Polls until `check` holds (for the worker of another app, which runs on its own timer). */
async function eventually(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves once a session of the test's Postgres database waits for a row lock (polled, 10 s at most). */
async function waitForLockWait(app: TestApp): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    const [row] = await app.dataSource.query(
      `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (Number(row.n) > 0) return;
    if (Date.now() > until) throw new Error('no transaction waited for the lock');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('webhooks', () => {
  let t: TestApp;
  let admin: TestUser;
  let dispatcher: WebhookDispatcher;
  const receivers: Receiver[] = [];
  const receiver = async () => {
    const r = await new Receiver().start();
    receivers.push(r);
    return r;
  };
  // The worker is driven by the tests (drain) instead of its timer; a short timeout for the timeout test.
  const ENV = { WEBHOOK_POLL_SECONDS: '0', WEBHOOK_TIMEOUT_SECONDS: '1' };

  beforeAll(async () => {
    t = await createTestApp({ env: ENV });
    admin = await createAdmin(t);
    dispatcher = t.get(WebhookDispatcher);
  });
  afterAll(async () => {
    await t.close();
    await Promise.all(receivers.map((r) => r.stop()));
  });

  const register = async (app: TestApp, url: string, events = ALL_EVENTS, as = admin) => {
    const res = await app.http.post('/auth/admin/webhooks').set(key(as)).send({ url, events }).expect(201);
    recordSecret(res.body.secret);
    return res.body as { id: string; secret: string };
  };
  const deliveriesOf = async (id: string) =>
    (await t.http.get(`/auth/admin/webhooks/${id}/deliveries`).set(key(admin)).expect(200)).body.deliveries;
  /** Nothing else is subscribed: endpoints of earlier tests are removed so each test counts its own traffic. */
  const clearEndpoints = async (app = t) => {
    await app.dataSource.createQueryBuilder().delete().from(WebhookEndpoint).execute();
  };
  beforeEach(() => clearEndpoints());

  describe('admin API', () => {
    it('creates an endpoint with a whsec_ secret shown once and stored encrypted', async () => {
      const r = await receiver();
      const res = await t.http
        .post('/auth/admin/webhooks')
        .set(key(admin))
        .send({ url: r.url, events: ['user.suspended'], description: 'speech app' })
        .expect(201);
      recordSecret(res.body.secret);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({
        url: r.url,
        events: ['user.suspended'],
        description: 'speech app',
        enabled: true,
      });
      expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      expect(Buffer.from(res.body.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);

      const listed = (await t.http.get('/auth/admin/webhooks').set(key(admin)).expect(200)).body;
      const one = (await t.http.get(`/auth/admin/webhooks/${res.body.id}`).set(key(admin)).expect(200)).body;
      expect(listed.map((e: { id: string }) => e.id)).toContain(res.body.id);
      const raw = res.body.secret.slice(6);
      for (const body of [listed, one]) {
        expect(JSON.stringify(body)).not.toContain(raw);
        expect(JSON.stringify(body)).not.toMatch(/secret"/);
      }
      const row = await t.dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: res.body.id });
      expect(JSON.stringify(row)).not.toContain(raw);
      expect(row.secretEncrypted).toMatch(/^gAAAAA/); // a Fernet token
    });

    it.each([
      [{ url: 'https://example.com/h', events: ['user.exploded'] }, 'events'],
      [{ url: 'https://example.com/h', events: [] }, 'events'],
      [{ url: 'https://example.com/h', events: 'user.created' }, 'events'],
      [{ url: 'https://example.com/h', events: ['user.created', 'user.created'] }, 'events'],
      [{ url: 'https://example.com/h' }, 'events'],
      [{ events: ['user.created'] }, 'url'],
      [{ url: 'ftp://example.com/h', events: ['user.created'] }, 'url'],
      [{ url: 'not a url', events: ['user.created'] }, 'url'],
      [{ url: 'https://u:p@example.com/h', events: ['user.created'] }, 'url'],
      [{ url: 'https://example.com/h', events: ['user.created'], secret: 'mine' }, 'secret'],
    ])('422 for %j (field %s) and nothing stored', async (body, field) => {
      const before = await t.dataSource.getRepository(WebhookEndpoint).count();
      const res = await t.http.post('/auth/admin/webhooks').set(key(admin)).send(body).expect(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await t.dataSource.getRepository(WebhookEndpoint).count()).toBe(before);
    });

    it('is for admins only: 401 anonymous, 403 for a user, on every route', async () => {
      const user = await createUser(t);
      const r = await receiver();
      const { id } = await register(t, r.url, ['user.created']);
      const did = randomUUID();
      const routes: [string, string][] = [
        ['post', '/auth/admin/webhooks'],
        ['get', '/auth/admin/webhooks'],
        ['get', `/auth/admin/webhooks/${id}`],
        ['patch', `/auth/admin/webhooks/${id}`],
        ['delete', `/auth/admin/webhooks/${id}`],
        ['post', `/auth/admin/webhooks/${id}/rotate-secret`],
        ['get', `/auth/admin/webhooks/${id}/deliveries`],
        ['post', `/auth/admin/webhooks/${id}/deliveries/${did}/retry`],
        ['post', `/auth/admin/webhooks/${id}/test`],
      ];
      const http = t.http as unknown as Record<string, (u: string) => import('supertest').Test>;
      for (const [m, p] of routes) {
        expect([m, p, (await http[m](p).send({})).status]).toEqual([m, p, 401]);
        expect([m, p, (await http[m](p).set(user.auth).send({})).status]).toEqual([m, p, 403]);
        expect([m, p, (await http[m](p).set({ 'X-API-Key': user.apiKey }).send({})).status]).toEqual([m, p, 403]);
      }
      await t.http.get(`/auth/admin/webhooks/${id}`).set(key(admin)).expect(200); // untouched
    });

    it('404 for unknown and malformed ids; PATCH changes, DELETE removes with the deliveries', async () => {
      for (const bad of [randomUUID(), 'nope']) {
        await t.http.get(`/auth/admin/webhooks/${bad}`).set(key(admin)).expect(404);
        await t.http.patch(`/auth/admin/webhooks/${bad}`).set(key(admin)).send({ enabled: false }).expect(404);
        await t.http.delete(`/auth/admin/webhooks/${bad}`).set(key(admin)).expect(404);
        await t.http.post(`/auth/admin/webhooks/${bad}/test`).set(key(admin)).expect(404);
      }
      const r = await receiver();
      const { id } = await register(t, r.url, ['user.created']);
      await t.http.post(`/auth/admin/webhooks/${id}/deliveries/${randomUUID()}/retry`).set(key(admin)).expect(404);
      await t.http.post(`/auth/admin/webhooks/${id}/deliveries/x/retry`).set(key(admin)).expect(404);
      await t.http
        .patch(`/auth/admin/webhooks/${id}`)
        .set(key(admin))
        .send({ events: ['user.nope'] })
        .expect(422);
      await t.http.patch(`/auth/admin/webhooks/${id}`).set(key(admin)).send({ url: 'gopher://x' }).expect(422);
      const patched = await t.http
        .patch(`/auth/admin/webhooks/${id}`)
        .set(key(admin))
        .send({ events: ['user.deleted', 'user.suspended'], description: 'x' })
        .expect(200);
      expect(patched.body).toMatchObject({ events: ['user.deleted', 'user.suspended'], description: 'x' });
      await t.http.post(`/auth/admin/webhooks/${id}/test`).set(key(admin)).expect(202);
      await t.http.delete(`/auth/admin/webhooks/${id}`).set(key(admin)).expect(204);
      await t.http.get(`/auth/admin/webhooks/${id}`).set(key(admin)).expect(404);
      expect(await t.dataSource.getRepository(WebhookDelivery).countBy({ endpointId: id })).toBe(0);
    });
  });

  describe('events from the routes, signed', () => {
    it('sends each event type, verified with standardwebhooks, with ids and never a secret in data', async () => {
      const r = await receiver();
      const { secret } = await register(t, r.url);
      const uow = t.get(UnitOfWork);

      // user.created: self-registration and admin creation
      const reg = await t.http
        .post('/auth/register')
        .send({
          email: `r${Date.now()}@example.com`,
          username: `r_${randomUUID().slice(0, 8)}`,
          password: 'Pw-long-enough-1!',
        })
        .expect(201);
      const registeredId = reg.body.id ?? reg.body.user?.id;
      const created = await t.http
        .post('/auth/admin/users')
        .set(key(admin))
        .send({ email: `c${Date.now()}@example.com`, username: `c_${randomUUID().slice(0, 8)}` })
        .expect(201);
      recordSecret(created.body.api_key, created.body.generated_password);
      const victim = await createUser(t);
      await t.http.put(`/auth/admin/users/${victim.id}`).set(key(admin)).send({ full_name: 'New Name' }).expect(200);
      await t.http.post(`/auth/admin/users/${victim.id}/suspend`).set(key(admin)).send({ reason: 'abuse' }).expect(200);
      await t.http.post(`/auth/admin/users/${victim.id}/unsuspend`).set(key(admin)).expect(200);

      // session.revoked: by the user, and by an admin
      const own = await createUser(t);
      const second = (
        await t.http.post('/auth/login').send({ username: own.username, password: own.password }).expect(200)
      ).body;
      const access = (second.tokens ?? second).access_token as string;
      const secondSid = JSON.parse(Buffer.from(access.split('.')[1], 'base64url').toString()).sid;
      await t.http.delete(`/auth/sessions/${secondSid}`).set(own.auth).expect(204);
      await t.http.delete(`/auth/admin/users/${own.id}/sessions/${own.sessionId}`).set(key(admin)).expect(204);

      // security.alert: refresh-token reuse, then the suspicious login after it, then a lockout
      const reuser = await createUser(t);
      await t.http.post('/auth/refresh').send({ refresh_token: reuser.refreshToken }).expect(200);
      t.clock.advance(11_000); // past the benign-race grace
      await t.http.post('/auth/refresh').send({ refresh_token: reuser.refreshToken }).expect(401);
      await t.http.post('/auth/login').send({ username: reuser.username, password: reuser.password }).expect(200);
      const locked = await createUser(t);
      for (let i = 0; i < t.config.lockout.maxAttempts; i++)
        await t.http.post('/auth/login').send({ username: locked.username, password: 'wrong-password-1' });

      // api_key.*: the victim's `default` key (registration), then one made and deleted through the API, with the
      // default key (the suspension ended the victim's session)
      const victimAuth = { 'x-api-key': victim.apiKey };
      const victimKey = (await t.http.post('/auth/api-keys').set(victimAuth).send({ name: 'hooked' }).expect(201)).body;
      recordSecret(victimKey.key);
      await t.http.delete(`/auth/api-keys/${victimKey.id}`).set(victimAuth).expect(204);
      const defaultKeyId = (await t.http.get('/auth/api-keys').set(victimAuth).expect(200)).body.find(
        (k: { name: string }) => k.name === 'default',
      ).id;

      // mfa.disabled: the victim sets TOTP up and turns it off again (with the default key: it holds every scope)
      const totp = (await t.http.post('/auth/mfa/totp/setup').set(victimAuth).expect(200)).body;
      recordSecret(totp.secret);
      const totpCode = () => {
        t.clock.advance(30_000); // a code is accepted once per 30 s step
        return generateSync({ secret: totp.secret, epoch: Math.floor(t.clock.now() / 1000) });
      };
      const confirmed = await t.http
        .post('/auth/mfa/totp/confirm')
        .set(victimAuth)
        .send({ code: totpCode() })
        .expect(200);
      recordSecret(...confirmed.body.recovery_codes);
      await t.http.delete('/auth/mfa/totp').set(victimAuth).send({ code: totpCode() }).expect(204);

      // quota.threshold, published as the gate's quota counter does (crossing 80 % of a month's quota)
      await uow.publish({
        name: 'quota.threshold',
        payload: {
          user_id: victim.id,
          kind: 'transcriptions',
          threshold: 80,
          used: 80,
          limit: 100,
          month: '2026-12',
        },
      });
      await t.http.delete(`/auth/admin/users/${victim.id}`).set(key(admin)).expect(204);

      await dispatcher.drain();
      for (const got of r.got) {
        expect(verify(secret, got, t.clock)).toEqual(got.json);
        expect(Object.keys(got.json).sort()).toEqual(['data', 'timestamp', 'type']);
        expect(got.headers['content-type']).toBe('application/json');
        for (const [k, v] of Object.entries(got.json.data)) {
          expect(k).not.toMatch(SECRET_FIELD);
          expect(String(v)).not.toMatch(SECRET_VALUE);
        }
        expect(Object.keys(got.json.data)).toContain('user_id');
      }
      expect(r.of('user.created', registeredId)).toHaveLength(1);
      expect(r.of('user.created', created.body.user.id)).toHaveLength(1);
      expect(r.of('user.updated', victim.id)).toHaveLength(1);
      expect(r.of('user.suspended', victim.id).map((x) => x.json.data)).toEqual([{ user_id: victim.id }]);
      expect(r.of('user.unsuspended', victim.id)).toHaveLength(1);
      expect(r.of('user.deleted', victim.id)).toHaveLength(1);
      expect(
        r
          .of('session.revoked', own.id)
          .map((x) => x.json.data.session_id)
          .sort(),
      ).toEqual([secondSid, own.sessionId].sort());
      expect(r.of('session.revoked', reuser.id).map((x) => x.json.data)).toEqual([
        { user_id: reuser.id, session_id: reuser.sessionId, reason: 'refresh_token_reuse' },
      ]);
      // Deliveries are not ordered (each is sent and recorded on its own): compare as sets.
      expect(
        r
          .of('security.alert', reuser.id)
          .map((x) => x.json.data.reason)
          .sort(),
      ).toEqual(['refresh_token_reuse', 'suspicious_login']);
      expect(r.of('security.alert', locked.id).map((x) => x.json.data)).toEqual([
        { user_id: locked.id, reason: 'account_locked' },
      ]);
      const keysCreated = r.of('api_key.created', victim.id).map((x) => x.json.data);
      expect(keysCreated).toHaveLength(2);
      expect(keysCreated).toEqual(
        expect.arrayContaining([
          { user_id: victim.id, key_id: defaultKeyId },
          { user_id: victim.id, key_id: victimKey.id },
        ]),
      );
      expect(r.of('api_key.revoked', victim.id).map((x) => x.json.data)).toEqual([
        { user_id: victim.id, key_id: victimKey.id },
      ]);
      expect(r.of('mfa.disabled', victim.id).map((x) => x.json.data)).toEqual([{ user_id: victim.id, method: 'totp' }]);
      expect(r.of('quota.threshold', victim.id).map((x) => x.json.data)).toEqual([
        { user_id: victim.id, kind: 'transcriptions', threshold: 80, used: 80, limit: 100, month: '2026-12' },
      ]);
      // Each webhook-id once, and a tampered body or another secret fails verification.
      const ids = r.got.map((g) => g.headers['webhook-id']);
      expect(new Set(ids).size).toBe(ids.length);
      const one = r.got[0];
      expect(() => verify(secret, { ...one, body: one.body.replace('}', ',"x":1}') }, t.clock)).toThrow();
      expect(() => verify(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, one, t.clock)).toThrow();
    });

    it('each endpoint gets only the events it subscribed to', async () => {
      const a = await receiver();
      const b = await receiver();
      await register(t, a.url, ['user.suspended']);
      await register(t, b.url, ['user.unsuspended', 'user.deleted']);
      const u = await createUser(t);
      await t.http.post(`/auth/admin/users/${u.id}/suspend`).set(key(admin)).send({ reason: 'x' }).expect(200);
      await t.http.post(`/auth/admin/users/${u.id}/unsuspend`).set(key(admin)).expect(200);
      await t.http.delete(`/auth/admin/users/${u.id}`).set(key(admin)).expect(204);
      await dispatcher.drain();
      expect(a.got.map((g) => g.json.type)).toEqual(['user.suspended']);
      expect(b.got.map((g) => g.json.type).sort()).toEqual(['user.deleted', 'user.unsuspended']);
    });

    it('a change that rolls back after publishing sends nothing', async () => {
      const r = await receiver();
      await register(t, r.url, ['user.updated']);
      const u = await createUser(t);
      await expect(
        t.get(UnitOfWork).run(function* (unit) {
          yield* unit.write(
            unit.em.createQueryBuilder().update(User).set({ fullName: 'Rolled Back' }).where('id = :id', { id: u.id }),
          );
          yield* unit.publish({ name: 'user.updated', payload: { user_id: u.id } });
          throw new Error('the change fails after its publish');
        }),
      ).rejects.toThrow('after its publish');
      // And a real route whose write is refused (the last-admin guard) publishes nothing either.
      await t.http.post(`/auth/admin/users/${admin.id}/suspend`).set(key(admin)).send({ reason: 'x' }).expect(409);
      expect(await t.dataSource.getRepository(WebhookDelivery).count()).toBe(0);
      await dispatcher.drain();
      expect(r.got).toEqual([]);
      expect((await t.dataSource.getRepository(User).findOneByOrFail({ id: u.id })).fullName).toBeNull();
    });

    it('an endpoint deleted while an event is written: the change succeeds, no delivery points at it', async () => {
      const r = await receiver();
      const { id } = await register(t, r.url, ['user.created']);
      if (currentDriver() === 'postgres') {
        // The delete holds the endpoint's row while a registration's transaction writes its event, then commits.
        const deleting = t.dataSource.createQueryRunner();
        await deleting.connect();
        await deleting.startTransaction();
        await deleting.query('DELETE FROM webhook_endpoints WHERE id = $1', [id]);
        const creating = createUser(t);
        await waitForLockWait(t); // the registration's transaction is now blocked on the endpoint's row
        await deleting.commitTransaction();
        await deleting.release();
        await expect(creating).resolves.toMatchObject({ id: expect.any(String) });
      } else {
        // SQLite runs one writing transaction at a time: the two only ever run one after the other.
        const results = await Promise.allSettled([
          createUser(t),
          t.http.delete(`/auth/admin/webhooks/${id}`).set(key(admin)).expect(204),
          createUser(t),
        ]);
        expect(results.filter((x) => x.status === 'rejected').map((x) => String(x.reason))).toEqual([]);
      }
      const orphans = await t.dataSource.query(
        'SELECT COUNT(*) AS n FROM webhook_deliveries d LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE e.id IS NULL',
      );
      expect(Number(orphans[0].n)).toBe(0);
    });
  });

  describe('delivery', () => {
    it('retries after a 500 and a timeout with the same webhook-id, on the schedule, then succeeds', async () => {
      const r = await receiver();
      const { id, secret } = await register(t, r.url, ['user.suspended']);
      const u = await createUser(t);
      r.answer(500, 'hang', 200);
      await t.http.post(`/auth/admin/users/${u.id}/suspend`).set(key(admin)).send({ reason: 'x' }).expect(200);
      expect(await dispatcher.drain()).toBe(1);
      t.clock.advance(9_000);
      expect(await dispatcher.drain()).toBe(0); // 10 s not yet over
      t.clock.advance(1_000);
      expect(await dispatcher.drain()).toBe(1); // times out
      t.clock.advance(60_000);
      expect(await dispatcher.drain()).toBe(1);
      expect(r.got).toHaveLength(3);
      expect(new Set(r.got.map((g) => g.headers['webhook-id'])).size).toBe(1);
      for (const g of r.got) verify(secret, g, t.clock);
      expect(r.got.map((g) => g.body)).toEqual([r.got[0].body, r.got[0].body, r.got[0].body]);
      const [d] = await deliveriesOf(id);
      expect(d).toMatchObject({ id: r.got[0].headers['webhook-id'], status: 'succeeded', attempt_count: 3 });
      expect(d.response_status).toBe(200);
      expect(d.attempts.map((a: { response_status: number | null }) => a.response_status)).toEqual([500, null, 200]);
      expect(d.attempts[1].error).toMatch(/timed out/);
    });

    it('an endpoint failing through the whole schedule is disabled with the reason shown', async () => {
      const r = await receiver();
      const { id } = await register(t, r.url, ['user.suspended', 'user.unsuspended']);
      const u = await createUser(t);
      r.answer(...Array<number>(20).fill(503));
      await t.http.post(`/auth/admin/users/${u.id}/suspend`).set(key(admin)).send({ reason: 'x' }).expect(200);
      await dispatcher.drain();
      for (const delay of t.config.webhooks.retryScheduleMs) {
        t.clock.advance(delay);
        expect(await dispatcher.drain()).toBe(1);
      }
      expect(r.got).toHaveLength(t.config.webhooks.retryScheduleMs.length + 1);
      const endpoint = (await t.http.get(`/auth/admin/webhooks/${id}`).set(key(admin)).expect(200)).body;
      expect(endpoint.enabled).toBe(false);
      expect(endpoint.disabled_reason).toMatch(/^Disabled after 8 failed tries .*; last: HTTP 503$/);
      const [d] = await deliveriesOf(id);
      expect(d).toMatchObject({ status: 'failed', attempt_count: 8, response_status: 503, next_attempt_at: null });
      // Disabled: no new deliveries, and retry and test are refused.
      await t.http.post(`/auth/admin/users/${u.id}/unsuspend`).set(key(admin)).expect(200);
      expect(await dispatcher.drain()).toBe(0);
      await t.http.post(`/auth/admin/webhooks/${id}/deliveries/${d.id}/retry`).set(key(admin)).expect(409);
      await t.http.post(`/auth/admin/webhooks/${id}/test`).set(key(admin)).expect(409);
      // Re-enabled, a manual retry sends the failed delivery once more, with its id.
      await t.http.patch(`/auth/admin/webhooks/${id}`).set(key(admin)).send({ enabled: true }).expect(200);
      r.reset();
      const retried = await t.http.post(`/auth/admin/webhooks/${id}/deliveries/${d.id}/retry`).set(key(admin));
      expect(retried.status).toBe(202);
      await dispatcher.drain();
      expect(r.got.map((g) => g.headers['webhook-id'])).toEqual([d.id]);
      expect((await deliveriesOf(id))[0]).toMatchObject({ status: 'succeeded', attempt_count: 9 });
    });

    it('a redirect is an answer, not followed', async () => {
      const r = await receiver();
      const elsewhere = await receiver();
      const { id } = await register(t, r.url, ['user.suspended']);
      r.answer({ redirect: elsewhere.url });
      const u = await createUser(t);
      await t.http.post(`/auth/admin/users/${u.id}/suspend`).set(key(admin)).send({ reason: 'x' }).expect(200);
      await dispatcher.drain();
      expect(elsewhere.got).toEqual([]);
      const [d] = await deliveriesOf(id);
      expect(d).toMatchObject({ status: 'pending', response_status: 302, last_error: 'redirect not followed' });
    });

    it('POST …/test sends webhook.test; retry sends a delivery again with the same id', async () => {
      const r = await receiver();
      const { id, secret } = await register(t, r.url, ['user.created']);
      const queued = await t.http.post(`/auth/admin/webhooks/${id}/test`).set(key(admin)).expect(202);
      expect(queued.body).toMatchObject({ event_type: 'webhook.test', status: 'pending', attempt_count: 0 });
      await dispatcher.drain();
      expect(r.got.map((g) => g.json)).toEqual([
        { type: 'webhook.test', timestamp: expect.any(String), data: { endpoint_id: id } },
      ]);
      verify(secret, r.got[0], t.clock);
      await t.http.post(`/auth/admin/webhooks/${id}/deliveries/${queued.body.id}/retry`).set(key(admin)).expect(202);
      await dispatcher.drain();
      expect(r.got.map((g) => g.headers['webhook-id'])).toEqual([queued.body.id, queued.body.id]);
    });

    it('during a rotation both secrets sign (two v1 signatures) for 24 h, then only the new one', async () => {
      const r = await receiver();
      const { id, secret: old } = await register(t, r.url, ['user.created']);
      const rotated = await t.http.post(`/auth/admin/webhooks/${id}/rotate-secret`).set(key(admin)).expect(200);
      recordSecret(rotated.body.secret);
      expect(rotated.headers['cache-control']).toBe('no-store');
      expect(rotated.body.secret).not.toBe(old);
      expect(new Date(rotated.body.previous_secret_expires_at).getTime()).toBeCloseTo(t.clock.now() + 86_400_000, -4);
      await t.http.post(`/auth/admin/webhooks/${id}/test`).set(key(admin)).expect(202);
      await dispatcher.drain();
      const during = r.got[0];
      expect(String(during.headers['webhook-signature']).split(' ')).toEqual([
        expect.stringMatching(/^v1,/),
        expect.stringMatching(/^v1,/),
      ]);
      verify(rotated.body.secret, during, t.clock);
      verify(old, during, t.clock);

      t.clock.advance(86_400_000 + 1000);
      await t.http.post(`/auth/admin/webhooks/${id}/test`).set(key(admin)).expect(202);
      await dispatcher.drain();
      const after = r.got[1];
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
      verify(rotated.body.secret, after, t.clock);
      expect(() => verify(old, after, t.clock)).toThrow('No matching signature');
      expect(
        (await t.http.get(`/auth/admin/webhooks/${id}`).set(key(admin))).body.previous_secret_expires_at,
      ).toBeNull();
    });
  });

  describe('several instances and restarts', () => {
    it('nothing is lost across a restart between the commit and the send', async () => {
      const r = await receiver();
      const first = await createTestApp({ env: ENV });
      const firstAdmin = await createAdmin(first);
      const { secret } = await register(first, r.url, ['user.suspended'], firstAdmin);
      const u = await createUser(first);
      await first.http.post(`/auth/admin/users/${u.id}/suspend`).set(key(firstAdmin)).send({ reason: 'x' }).expect(200);
      const { databaseUrl } = first;
      await first.app.close(); // before any worker ran: the delivery is only in the database
      expect(r.got).toEqual([]);
      const second = await createTestApp({
        databaseUrl,
        env: { WEBHOOK_POLL_SECONDS: '1', WEBHOOK_TIMEOUT_SECONDS: '2' },
      });
      try {
        await eventually(() => r.got.length === 1); // the new instance's own worker finds it
        expect(r.got[0].json).toMatchObject({ type: 'user.suspended', data: { user_id: u.id } });
        verify(secret, r.got[0], second.clock);

        // With its worker running, a write route does not wait for a receiver that hangs (off the request path).
        const secondAdmin = await createAdmin(second);
        const v = await createUser(second);
        r.answer('hang');
        const started = Date.now();
        await second.http.post(`/auth/admin/users/${v.id}/unsuspend`).set(key(secondAdmin)).expect(200);
        await second.http
          .post(`/auth/admin/users/${v.id}/suspend`)
          .set(key(secondAdmin))
          .send({ reason: 'x' })
          .expect(200);
        await eventually(() => r.got.length === 2); // the worker is now waiting on the hanging receiver
        expect(Date.now() - started).toBeLessThan(1500);
      } finally {
        await second.close();
        await first.close().catch(() => undefined); // drops the database
      }
    });

    it('two instances on one database deliver each event once', async () => {
      const r = await receiver();
      const a = await createTestApp({ env: ENV });
      const b = await createTestApp({ databaseUrl: a.databaseUrl, env: ENV });
      try {
        const aAdmin = await createAdmin(a);
        const bAdmin = await createAdmin(b);
        await register(a, r.url, ['user.suspended', 'user.unsuspended'], aAdmin);
        const users = await Promise.all(Array.from({ length: 6 }, () => createUser(a)));
        for (const u of users) {
          await a.http.post(`/auth/admin/users/${u.id}/suspend`).set(key(aAdmin)).send({ reason: 'x' }).expect(200);
          await b.http.post(`/auth/admin/users/${u.id}/unsuspend`).set(key(bAdmin)).expect(200);
        }
        const [sentA, sentB] = await Promise.all([a.get(WebhookDispatcher).drain(), b.get(WebhookDispatcher).drain()]);
        expect(sentA + sentB).toBe(12);
        const ids = r.got.map((g) => g.headers['webhook-id']);
        expect(ids).toHaveLength(12);
        expect(new Set(ids).size).toBe(12);
        expect(await a.get(WebhookDispatcher).drain()).toBe(0);
      } finally {
        await b.close();
        await a.close();
      }
    });
  });

  describe('private addresses (the production rule, turned on here)', () => {
    let strict: TestApp;
    let strictAdmin: TestUser;
    beforeAll(async () => {
      strict = await createTestApp({ databaseUrl: t.databaseUrl, env: { ...ENV, WEBHOOK_ALLOW_PRIVATE: 'false' } });
      strictAdmin = await createAdmin(strict);
    });
    /** The strict instance reads deliveries the main one wrote on its (advanced) clock. */
    const sameTime = () => strict.clock.advance(t.clock.now() - strict.clock.now());
    afterAll(() => strict.close());

    it.each([
      'http://127.0.0.1:9/hook',
      'http://2130706433/',
      'http://0x7f.0.0.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::1]/',
      'http://localhost/',
      'http://10.1.2.3/',
      'http://169.254.169.254/latest/meta-data',
      'http://0.0.0.0/',
      'https://[fe80::1]/',
    ])('refuses %s with 422', async (url) => {
      const res = await strict.http
        .post('/auth/admin/webhooks')
        .set(key(strictAdmin))
        .send({ url, events: ['user.created'] })
        .expect(422);
      expect(res.body.errors).toEqual([{ field: 'url', message: expect.stringMatching(/^must not point to a /) }]);
    });

    it('checks the address again at delivery: an endpoint registered where it was allowed is not sent to', async () => {
      const r = await receiver();
      const { id } = await register(t, r.url, ['user.suspended']);
      const u = await createUser(t);
      await t.http.post(`/auth/admin/users/${u.id}/suspend`).set(key(admin)).send({ reason: 'x' }).expect(200);
      sameTime();
      await strict.get(WebhookDispatcher).drain();
      expect(r.got).toEqual([]);
      const [d] = await deliveriesOf(id);
      expect(d).toMatchObject({ status: 'pending', attempt_count: 1, response_status: null });
      expect(d.last_error).toBe('URL must not point to a loopback address');
    });

    it('refuses a name that resolves to a private address at delivery (the resolved address is checked)', async () => {
      const r = await receiver();
      const port = new URL(r.url).port;
      const { id } = await register(t, `http://hooks.example.test:${port}/hook`, ['user.suspended']);
      const dispatcherB = strict.get(WebhookDispatcher);
      dispatcherB.lookup = (_host, _opts, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]);
      const u = await createUser(t);
      await t.http.post(`/auth/admin/users/${u.id}/suspend`).set(key(admin)).send({ reason: 'x' }).expect(200);
      sameTime();
      await dispatcherB.drain();
      expect(r.got).toEqual([]);
      const [d] = await deliveriesOf(id);
      expect(d.last_error).toBe('hooks.example.test resolves to 127.0.0.1, a loopback address');
    });
  });
});
