import { randomBytes, randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { atomically } from '../../src/database/atomic-writes';
import { issueEmailToken } from '../../src/mail/email-tokens';
import { EmailTokenPurpose } from '../../src/mail/mail.enums';
import { createTestApp, currentDriver, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';
import { snapshotDatabase } from '../security/db-snapshot';
import { recordSecret } from '../security/secrets';
import { Expectation, HostileCase, hostileCases, RequestSpec, RouteInfo, routesOf } from '../security/hostile-cases';
import { RawClient, RawResponse } from '../security/http';
import { OpenApiDocument, SchemaChecker } from '../security/openapi-schema';

/**
 * The hostile-input walk (issue #13): every route of /openapi.json, every body field, query and path parameter,
 * with hostile values, without credentials and with a user's and an admin's token. Every answer must be a 4xx
 * problem+json (never a 5xx, a stack trace or SQL), or a 2xx that makes sense for the value. Phase 1 holds the
 * requests that must be rejected (and reads): the database must be unchanged after it. Phase 2 holds the hostile
 * values a route may legitimately accept, on fresh users, outside the comparison.
 */

type Identity = 'anonymous' | 'user' | 'admin';

interface Actor extends TestUser {
  serviceKeyId: string;
  /** A personal API key of this actor besides its `default` one. */
  personalKeyId: string;
  jobId: string;
  /** A second session of this actor (the walk's token belongs to the first). */
  otherSessionId: string;
}

interface World {
  user: Actor;
  admin: Actor;
  /** The target of admin routes. */
  victim: Actor;
  /** An account to sign in as on the public credential routes. */
  login: { username: string; password: string; refreshToken: string; apiKey: string };
  /** Live email-link tokens of the sign-in account (the confirm routes' baselines). */
  links: { verify: string; reset: string };
  /** A webhook endpoint of the admin (the webhook routes' path id). */
  webhookId: string;
  /** A pending delivery of that endpoint (its test event). */
  webhookDeliveryId: string;
}

const CONCURRENCY = 8;
/**
 * Callers a route refuses or treats like any other (anonymous on a protected route, a user on an admin route,
 * an admin on a user's route, anyone with a token on a public one) get every path and body-level case but only
 * these values per field: enough to show nothing looks at the payload before the guard, at a fraction of the
 * requests. They run on SQLite only: nothing before the guard touches the database, and the owner's full set,
 * which does, runs on both drivers.
 */
const SAMPLED_VALUES = /: (huge string \(100 KB\)|sql drop|missing|repeated)$/;
const SAMPLE_OTHER_CALLERS = currentDriver() === 'sqlite';

const uniq = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const strongPassword = () => `Pw-${randomBytes(12).toString('base64url')}`;

/** A WebAuthn response in the standard JSON shape that no challenge matches. */
const WEBAUTHN_WALK = {
  id: 'd2Fsaw',
  rawId: 'd2Fsaw',
  type: 'public-key',
  response: { clientDataJSON: 'e30', attestationObject: 'oA', authenticatorData: 'AA', signature: 'AA' },
  clientExtensionResults: {},
};

/** A request each route accepts, given the world and the caller. A new documented route with a body needs one. */
const BASELINES: Record<string, (w: World, me: Actor) => Partial<RequestSpec>> = {
  'POST /auth/register': () => {
    const n = uniq();
    return {
      body: {
        email: `reg_${n}@example.com`,
        username: `reg_${n}`,
        password: strongPassword(),
        full_name: 'Registered Walker',
      },
    };
  },
  'POST /auth/token': (w) => ({
    body: {
      grant_type: 'password',
      username: w.login.username,
      password: w.login.password,
      scope: '',
      client_id: 'walk',
    },
    encoding: 'form',
  }),
  'POST /auth/login': (w) => ({
    body: { username: w.login.username, password: w.login.password, device_name: 'walk' },
  }),
  // The gate's credential comes from the forwarded request; a direct call is its own original request.
  ...Object.fromEntries(
    ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].map((m) => [
      `${m} /auth/verify`,
      (w: World) => ({ query: { api_key: w.login.apiKey } }),
    ]),
  ),
  'POST /auth/refresh': (w) => ({ body: { refresh_token: w.login.refreshToken } }),
  'POST /auth/stream-token': () => ({ body: { scope: 'transcribe', ttl_seconds: 60 } }),
  'POST /oauth/introspect': (_w, me) => ({ body: { token: me.accessToken } }),
  // Revoking a real token would end a session the walk uses: an unknown key (200, nothing changes).
  'POST /oauth/revoke': () => ({ body: { token: `tk_${'W'.repeat(43)}` } }),
  'POST /auth/logout': () => ({ body: { all_devices: false } }),
  'PUT /auth/profile': () => ({ body: { full_name: 'Walker', settings: { theme: 'dark' } } }),
  'POST /auth/change-password': (_w, me) => ({
    body: { current_password: me.password, new_password: strongPassword() },
  }),
  'POST /api-keys': () => ({ body: { service: 'openai', key: `sk-walk-${uniq()}`, key_name: 'walk key' } }),
  'POST /auth/api-keys': () => ({
    body: { name: `walk ${uniq()}`, scopes: ['jobs:read'], expires_in_days: 30, rate_limits: { per_minute: 10 } },
  }),
  'PATCH /auth/api-keys/{id}': () => ({ body: { name: `walked ${uniq()}`, scopes: ['jobs:read'] } }),
  'POST /auth/api-keys/{id}/roll': () => ({ body: { overlap_seconds: 60 } }),
  'POST /auth/admin/users': () => {
    const n = uniq();
    return {
      body: {
        email: `made_${n}@example.com`,
        username: `made_${n}`,
        password: strongPassword(),
        full_name: 'Made By Admin',
        role: 'user',
        is_verified: false,
      },
    };
  },
  'POST /auth/admin/users/bulk': (w) => ({ body: { action: 'verify', user_ids: [w.victim.id], reason: 'walk' } }),
  'POST /auth/admin/webhooks': () => ({
    body: { url: `http://127.0.0.1:9/walk-${uniq()}`, events: ['user.created'], description: 'walk' },
  }),
  'PATCH /auth/admin/webhooks/{id}': () => ({ body: { description: 'walked', events: ['user.deleted'] } }),
  'PUT /auth/admin/users/{id}': () => ({
    body: {
      full_name: 'Victim',
      is_verified: true,
      is_active: true,
      role: 'user',
      rate_limits: { per_minute: 100, per_hour: 1000, per_day: 10000 },
    },
  }),
  'POST /auth/admin/users/{id}/suspend': () => ({ body: { reason: 'walk' } }),
  'POST /auth/admin/users/{id}/reset-password': () => ({ body: { new_password: strongPassword() } }),
  'POST /jobs': () => ({
    body: {
      filename: 'walk.mp3',
      job_id: randomUUID(),
      task: 'transcribe',
      with_diarization: false,
      translated_to: 'de',
      detected_language: 'en',
    },
  }),
  'POST /auth/email-verification/confirm': (w) => ({ body: { token: w.links.verify } }),
  // An address no account has: nothing this can do changes a row.
  'POST /auth/password-reset': () => ({ body: { email: `nobody_${uniq()}@example.com` } }),
  'POST /auth/password-reset/confirm': (w) => ({ body: { token: w.links.reset, new_password: strongPassword() } }),
  'POST /auth/mfa/totp/confirm': () => ({ body: { code: '123456' } }),
  'POST /auth/mfa/recovery-codes': () => ({ body: { code: '123456' } }),
  'DELETE /auth/mfa/totp': () => ({ body: { code: '123456' } }),
  'POST /auth/mfa/verify': () => ({ body: { mfa_token: `mfa_${uniq()}`, code: '123456' } }),
  'POST /auth/passkeys/register/verify': () => ({ body: { response: WEBAUTHN_WALK, name: 'walk' } }),
  'PATCH /auth/passkeys/{id}': () => ({ body: { name: 'walk' } }),
  'POST /auth/passkeys/login/options': (w) => ({ body: { username: w.login.username } }),
  'POST /auth/passkeys/login/verify': () => ({ body: { response: WEBAUTHN_WALK } }),
  'PATCH /jobs/{job_id}': () => ({
    body: {
      status: 'processing',
      transcript: 'hello world',
      error: 'none',
      detected_language: 'en',
      translated_to: 'de',
    },
  }),
};

/**
 * Phase 1 variants of the public credential routes that can never succeed whatever one field becomes: an unknown
 * account (a wildcard that matched a real one would still move its lockout counter, which the hash sees), a
 * garbage refresh token, an account that already exists.
 */
const REJECTING: Record<string, (w: World) => Partial<RequestSpec>> = {
  // Link tokens that never existed.
  'POST /auth/email-verification/confirm': () => ({ body: { token: `walk-${uniq()}-${randomUUID()}` } }),
  'POST /auth/password-reset/confirm': () => ({
    body: { token: `walk-${uniq()}-${randomUUID()}`, new_password: strongPassword() },
  }),
  'POST /auth/token': () => ({
    body: {
      grant_type: 'password',
      username: `nobody_${uniq()}`,
      password: strongPassword(),
      scope: '',
      client_id: 'walk',
    },
    encoding: 'form',
  }),
  'POST /auth/login': () => ({
    body: { username: `nobody_${uniq()}`, password: strongPassword(), device_name: 'walk' },
  }),
  'POST /auth/refresh': () => ({
    body: {
      refresh_token: `eyJhbGciOiJIUzI1NiJ9.${randomBytes(40).toString('base64url')}.${randomBytes(32).toString('base64url')}`,
    },
  }),
  'POST /auth/register': (w) => ({
    body: { email: w.user.email, username: w.user.username, password: strongPassword(), full_name: 'Duplicate' },
  }),
};

/** Routes that end the caller's own session or credential when they succeed: a fresh world per accepted case. */
const SELF_DESTRUCTIVE = new Set([
  'POST /auth/logout',
  'POST /auth/refresh',
  'POST /auth/change-password',
  'DELETE /auth/sessions',
  // A link works once.
  'POST /auth/email-verification/confirm',
  'POST /auth/password-reset/confirm',
]);
/** Routes whose baseline holds unique values (a second success would be a 409): a fresh baseline per accepted case. */
const UNIQUE_BASELINE = new Set(['POST /auth/register', 'POST /auth/admin/users', 'POST /jobs']);
/**
 * Routes whose success needs a one-time secret only a live authenticator has (a TOTP code of this step, a sign-in
 * step's token, a WebAuthn signature, a passkey): their baseline must be a clean 4xx here; test/e2e/mfa.e2e-spec.ts
 * walks their successes.
 */
const NEEDS_AUTHENTICATOR = new Set([
  'POST /auth/mfa/totp/confirm',
  'POST /auth/mfa/recovery-codes',
  'DELETE /auth/mfa/totp',
  'POST /auth/mfa/verify',
  'POST /auth/passkeys/register/verify',
  'PATCH /auth/passkeys/{id}',
  'DELETE /auth/passkeys/{id}',
  'POST /auth/passkeys/login/verify',
]);
/** The token endpoint ignores parameters it does not know (RFC 6749 §3.2). */
const OPEN_BODY = new Set(['POST /auth/token']);
/** Free text stored as given: an accepted value must come back unchanged. */
const ROUND_TRIP = ['full_name', 'key_name', 'filename', 'transcript', 'error', 'reason'];

const LEAK =
  /(\bat\s+[\w.<>]+\s+\(|\.(ts|js):\d+|node_modules|QueryFailedError|SQLITE_|syntax error at|SELECT\s.+\sFROM\s|INSERT INTO|UPDATE\s+"?\w+"?\s+SET|DELETE FROM|duplicate key|violates .* constraint|invalid input syntax|hashed_password|api_key_hash|\$2[aby]\$\d\d\$)/i;
const PROBLEM_KEYS = ['type', 'title', 'status', 'detail', 'instance', 'code', 'request_id'];

function pathFor(route: RouteInfo, w: World, me: Actor): Record<string, string> {
  const path: Record<string, string> = {};
  for (const p of (route.op.parameters ?? []).filter((x) => x.in === 'path')) {
    if (route.path.startsWith('/auth/admin/users'))
      path[p.name] =
        p.name === 'sid' ? w.victim.otherSessionId : p.name === 'kid' ? w.victim.personalKeyId : w.victim.id;
    else if (route.path.startsWith('/api-keys')) path[p.name] = me.serviceKeyId;
    else if (route.path.startsWith('/auth/api-keys')) path[p.name] = me.personalKeyId;
    else if (route.path.startsWith('/jobs')) path[p.name] = me.jobId;
    else if (route.path.startsWith('/auth/sessions')) path[p.name] = me.otherSessionId;
    else if (route.path.startsWith('/auth/admin/webhooks'))
      path[p.name] = p.name === 'id' ? w.webhookId : w.webhookDeliveryId;
    else if (route.path.startsWith('/auth/passkeys'))
      path[p.name] = randomUUID(); // no passkey: 404 after the body
    else throw new Error(`no id for ${route.path} {${p.name}}: teach pathFor`);
  }
  return path;
}

describe('hostile input over every documented route (issue #13)', () => {
  let t: TestApp;
  let client: RawClient;
  let doc: OpenApiDocument;
  let routes: RouteInfo[];
  const checker = new SchemaChecker();
  let requests = 0;
  const serverErrors: string[] = [];
  const failures: string[] = [];

  beforeAll(async () => {
    // No webhook worker: its delivery attempts would change the database between the walk's snapshots.
    t = await createTestApp({ captureSecrets: false, env: { RATE_LIMIT_ENABLED: 'false', WEBHOOK_POLL_SECONDS: '0' } });
    await t.app.listen(0, '127.0.0.1');
    client = new RawClient(t.app.getHttpServer().address() as AddressInfo);
    doc = (await t.http.get('/openapi.json').expect(200)).body as OpenApiDocument;
    routes = routesOf(doc);
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await t?.close();
  });

  const key = (r: RouteInfo) => `${r.method} ${r.path}`;

  type Need = 'key' | 'personal-key' | 'job' | 'session';
  const ALL_NEEDS: Need[] = ['key', 'personal-key', 'job', 'session'];

  async function actor(role: 'user' | 'admin', needs: Need[] = ALL_NEEDS): Promise<Actor> {
    const u = role === 'admin' ? await createAdmin(t) : await createUser(t);
    const a: Actor = { ...u, serviceKeyId: '', personalKeyId: '', jobId: '', otherSessionId: '' };
    if (needs.includes('key'))
      a.serviceKeyId = (
        await t.http
          .post('/api-keys')
          .set(u.auth)
          .send({ service: 'openai', key: `sk-own-${uniq()}` })
          .expect(201)
      ).body.id;
    if (needs.includes('personal-key'))
      a.personalKeyId = (
        await t.http
          .post('/auth/api-keys')
          .set(u.auth)
          .send({ name: `own ${uniq()}` })
          .expect(201)
      ).body.id;
    if (needs.includes('job'))
      a.jobId = (await t.http.post('/jobs').set(u.auth).send({ filename: 'own.mp3' }).expect(201)).body.job_id;
    if (needs.includes('session'))
      a.otherSessionId = (
        await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200)
      ).body.session_id;
    return a;
  }

  /** Accounts and their resources; for one route (phase 2) only the ones it uses, which is much cheaper. */
  async function world(route?: RouteInfo): Promise<World> {
    const absent = undefined as unknown as Actor;
    const needs: Need[] = !route
      ? ALL_NEEDS
      : route.path.startsWith('/api-keys')
        ? ['key']
        : route.path.startsWith('/auth/api-keys')
          ? ['personal-key']
          : route.path.startsWith('/jobs')
            ? ['job']
            : route.path.startsWith('/auth/sessions')
              ? ['session']
              : [];
    const want = (role: 'user' | 'admin' | 'victim') =>
      !route || (role === 'admin' ? route.admin : role === 'victim' ? route.admin : !route.public && !route.admin);
    const [user, admin, victim, signIn] = await Promise.all([
      want('user') ? actor('user', needs) : absent,
      want('admin') ? actor('admin', needs) : absent,
      want('victim') ? actor('user', ['session', 'personal-key']) : absent,
      !route || route.public ? createUser(t) : undefined,
    ]);
    // Registering twice the same account is the rejecting variant of /auth/register: it needs a user.
    const link = (purpose: EmailTokenPurpose) =>
      atomically(t.dataSource, (unit) =>
        issueEmailToken(unit, { userId: signIn!.id, purpose, email: signIn!.email, now: t.clock.date() }),
      );
    const links = signIn
      ? { verify: await link(EmailTokenPurpose.VerifyEmail), reset: await link(EmailTokenPurpose.PasswordReset) }
      : (undefined as unknown as World['links']);
    if (signIn) recordSecret(links.verify, links.reset);
    const webhook =
      admin && (!route || route.path.startsWith('/auth/admin/webhooks'))
        ? await t.http
            .post('/auth/admin/webhooks')
            .set(admin.auth)
            .send({ url: `http://127.0.0.1:9/world-${uniq()}`, events: ['user.created'] })
            .expect(201)
        : undefined;
    if (webhook) recordSecret(webhook.body.secret);
    const delivery = webhook
      ? await t.http.post(`/auth/admin/webhooks/${webhook.body.id}/test`).set(admin.auth).send({})
      : undefined;
    if (delivery && delivery.status >= 300) throw new Error(`webhook test event: ${delivery.status}`);
    return {
      webhookId: webhook?.body.id ?? '00000000-0000-4000-8000-000000000000',
      webhookDeliveryId: delivery?.body.id ?? '00000000-0000-4000-8000-000000000000',
      user: user ?? absent,
      admin,
      victim,
      login: signIn
        ? {
            username: signIn.username,
            password: signIn.password,
            refreshToken: signIn.refreshToken,
            apiKey: signIn.apiKey,
          }
        : (undefined as unknown as World['login']),
      links,
    };
  }

  function headersFor(identity: Identity, w: World): Record<string, string> {
    if (identity === 'anonymous') return {};
    return { authorization: `Bearer ${(identity === 'admin' ? w.admin : w.user).accessToken}` };
  }

  /** The request spec of a route's baseline for a caller, or of its phase-1 rejecting variant. */
  function baselineOf(route: RouteInfo, w: World, me: Actor, rejecting = false): RequestSpec {
    const make = (rejecting && REJECTING[key(route)]) || BASELINES[key(route)];
    const partial = make ? make(w, me) : {};
    return { path: pathFor(route, w, me), query: {}, ...partial };
  }

  async function send(route: RouteInfo, identity: Identity, w: World, spec: RequestSpec): Promise<RawResponse> {
    requests++;
    const url = RawClient.url(route.path, spec);
    try {
      return await client.send(
        route.method,
        url,
        { ...headersFor(identity, w), 'x-request-id': `walk-${requests}` },
        RawClient.payload(spec),
      );
    } catch (err) {
      // No HTTP answer at all (connection reset): recorded like a server error.
      return { status: 599, headers: {}, text: `no answer: ${(err as Error).message} (url ${url.length} chars)` };
    }
  }

  /** Everything every answer must satisfy; returns why not, or null. */
  function checkAnswer(
    res: RawResponse,
    route: RouteInfo,
    identity: Identity,
    c: { name: string; spec: RequestSpec },
    expect: Expectation,
  ): string | null {
    if (res.status >= 500) return `server error ${res.status}: ${res.text.slice(0, 300)}`;
    if (LEAK.test(res.text.slice(0, 20_000))) return `leaks internals: ${res.text.slice(0, 300)}`;
    if (res.status >= 400) {
      if (!String(res.headers['content-type']).startsWith('application/problem+json'))
        return `${res.status} is not problem+json (${res.headers['content-type']}): ${res.text.slice(0, 200)}`;
      const body = res.body as Record<string, unknown> | undefined;
      const missing = PROBLEM_KEYS.filter((k) => body?.[k] === undefined);
      if (missing.length) return `${res.status} problem lacks ${missing.join(', ')}`;
      if (body!.status !== res.status || typeof body!.detail !== 'string')
        return `problem status/detail wrong: ${res.text.slice(0, 200)}`;
      if (!route.public && identity === 'anonymous' && [403, 409, 422].includes(res.status))
        return `anonymous got ${res.status} before authentication`;
      if (route.admin && identity === 'user' && [409, 422].includes(res.status))
        return `a user got ${res.status} on an admin route (validated before the role check)`;
      return null;
    }
    if (res.status < 200 || res.status >= 300) return `unexpected status ${res.status}`;
    if (expect === 'reject' && route.method !== 'GET')
      return `accepted (${res.status}) what the documented schema refuses: ${res.text.slice(0, 200)}`;
    if (!route.public && identity === 'anonymous') return `anonymous request accepted (${res.status})`;
    if (route.admin && identity === 'user') return `a user passed the admin role check (${res.status})`;
    return checkSuccess(res, route, c.spec);
  }

  /** A 2xx must make sense for the hostile value it accepted. */
  function checkSuccess(res: RawResponse, route: RouteInfo, spec: RequestSpec): string | null {
    if (res.status === 204) return res.text === '' ? null : '204 with a body';
    if (!String(res.headers['content-type']).startsWith('application/json'))
      return `2xx is not JSON: ${res.headers['content-type']}`;
    if (res.body === undefined) return '2xx without a JSON body';
    const body = res.body as Record<string, unknown>;
    if (route.path === '/auth/admin/users' && route.method === 'GET') {
      const search = String(spec.query.search ?? '')
        .trim()
        .toLowerCase();
      const users = body.users as Array<Record<string, string | null>>;
      if (!Array.isArray(users)) return 'user list without users[]';
      // `%`, `_` and `\` match literally: every hit contains the search text itself.
      const wrong = search
        ? users.filter((u) => ![u.email, u.username, u.full_name].some((v) => (v ?? '').toLowerCase().includes(search)))
        : [];
      if (wrong.length) return `search ${JSON.stringify(search)} matched ${wrong.map((u) => u.username).join(', ')}`;
    }
    if (
      route.path === '/api-keys' &&
      route.method === 'GET' &&
      typeof spec.query.service === 'string' &&
      spec.query.service.trim()
    ) {
      const service = spec.query.service.trim().toLowerCase();
      const other = (body as unknown as Array<{ service: string }>).filter((k) => k.service !== service);
      if (other.length) return `?service=${service} listed ${other.map((k) => k.service).join(', ')}`;
    }
    if (route.method !== 'GET' && spec.body && typeof spec.body === 'object' && spec.encoding !== 'form') {
      const sent = spec.body as Record<string, unknown>;
      const echoed = (body.user ?? body) as Record<string, unknown>;
      for (const f of ROUND_TRIP) {
        const v = sent[f];
        if (typeof v === 'string' && v.trim() === v && v !== '' && f in echoed && echoed[f] !== v)
          return `${f} stored as ${JSON.stringify(echoed[f])?.slice(0, 80)}, sent ${JSON.stringify(v).slice(0, 80)}`;
      }
    }
    return null;
  }

  const owner = (r: RouteInfo): Identity => (r.public ? 'anonymous' : r.admin ? 'admin' : 'user');

  async function runAll<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < items.length) await fn(items[next++]);
      }),
    );
  }

  function record(
    res: RawResponse,
    route: RouteInfo,
    identity: Identity,
    c: HostileCase | { name: string; spec: RequestSpec; expect: Expectation },
    phase: number,
  ): void {
    if (res.status >= 500) serverErrors.push(`${key(route)} as ${identity} [${c.name}] → ${res.status}`);
    const why = checkAnswer(res, route, identity, c, c.expect);
    if (why) failures.push(`phase ${phase} ${key(route)} as ${identity} [${c.name}]: ${why}`);
  }

  it('answers every hostile request with a 4xx problem or a sane 2xx, never a 5xx; rejected requests change nothing', async () => {
    expect(routes.length).toBeGreaterThanOrEqual(40);
    const undocumented = routes.filter((r) => r.bodySchema && !BASELINES[key(r)]).map(key);
    expect(undocumented).toEqual([]); // a new route with a body: add a baseline above

    // ---- Phase 1: requests that must be refused, and reads. ----
    const w = await world();
    const identities: Identity[] = ['anonymous', 'user', 'admin'];
    const others = SAMPLE_OTHER_CALLERS
      ? `(sampled) as the ${identities.length - 1} others`
      : '(the other callers: on SQLite)';
    const me = (identity: Identity) => (identity === 'admin' ? w.admin : w.user);
    type Job = { route: RouteInfo; identity: Identity; c: HostileCase };
    const phase1: Job[] = [];
    const phase2: Array<{ route: RouteInfo; c: HostileCase }> = [];
    const caseCount = new Map<string, number>();
    for (const route of routes) {
      for (const identity of identities) {
        const rejecting = route.public && !!REJECTING[key(route)];
        const cases = hostileCases(doc, route, baselineOf(route, w, me(identity), rejecting), checker, {
          openBody: OPEN_BODY.has(key(route)),
        });
        if (identity === owner(route)) caseCount.set(key(route), cases.length);
        const sampled = identity !== owner(route);
        if (sampled && !SAMPLE_OTHER_CALLERS) continue;
        for (const c of cases) {
          if (sampled && /^(body|query)\.[^:]+: /.test(c.name) && !SAMPLED_VALUES.test(c.name)) continue;
          const refused = (!route.public && identity === 'anonymous') || (route.admin && identity === 'user');
          if (refused || rejecting || route.method === 'GET')
            phase1.push({ route, identity, c: rejecting ? { ...c, expect: 'reject' } : c });
          else if (c.expect === 'reject') phase1.push({ route, identity, c });
          else if (identity === owner(route)) phase2.push({ route, c });
        }
      }
    }
    // The baselines of reads are accepted (so the hostile variants reach the handlers).
    for (const route of routes.filter((r) => r.method === 'GET')) {
      const identity = owner(route);
      const res = await send(route, identity, w, baselineOf(route, w, me(identity)));
      expect([key(route), res.status]).toEqual([key(route), 200]);
    }

    const before = await snapshotDatabase(t.dataSource);
    await runAll(phase1, async ({ route, identity, c }) => {
      const res = await send(route, identity, w, c.spec);
      record(res, route, identity, c, 1);
    });
    const after = await snapshotDatabase(t.dataSource);
    const phase1Requests = requests;

    // ---- Phase 2: values a route may accept, on fresh accounts (a success may end a session or delete a user). ----
    const byRoute = new Map<string, { route: RouteInfo; cases: HostileCase[] }>();
    for (const { route, c } of phase2) {
      const entry = byRoute.get(key(route)) ?? { route, cases: [] };
      entry.cases.push(c);
      byRoute.set(key(route), entry);
    }
    // Every mutating route's own baseline is accepted too (or the walk would only ever meet its validation).
    await runAll(
      routes.filter((r) => r.method !== 'GET'),
      async (route) => {
        const fresh = await world(route);
        const identity = owner(route);
        const spec = baselineOf(route, fresh, identity === 'admin' ? fresh.admin : fresh.user);
        const res = await send(route, identity, fresh, spec);
        if (NEEDS_AUTHENTICATOR.has(key(route))) {
          if (res.status < 400 || res.status >= 500)
            failures.push(
              `baseline ${key(route)} as ${identity} → ${res.status} (a 4xx expected without an authenticator)`,
            );
        } else if (res.status < 200 || res.status >= 300)
          failures.push(`baseline ${key(route)} as ${identity} → ${res.status}: ${res.text.slice(0, 200)}`);
        record(res, route, identity, { name: 'baseline', spec, expect: 'either' }, 2);
      },
    );
    await runAll([...byRoute.values()], async ({ route, cases }) => {
      const identity = owner(route);
      // The same cases again, built on this world's baseline (its ids, its passwords).
      const rebuild = (w2: World) =>
        new Map(
          hostileCases(doc, route, baselineOf(route, w2, identity === 'admin' ? w2.admin : w2.user), checker, {
            openBody: OPEN_BODY.has(key(route)),
          }).map((c) => [c.name, c]),
        );
      let w2 = await world(route);
      let built = rebuild(w2);
      for (const c of cases) {
        if (SELF_DESTRUCTIVE.has(key(route))) w2 = await world(route);
        if (SELF_DESTRUCTIVE.has(key(route)) || UNIQUE_BASELINE.has(key(route))) built = rebuild(w2);
        const fresh = built.get(c.name)!;
        const res = await send(route, identity, w2, fresh.spec);
        record(res, route, identity, { ...fresh, expect: 'either' }, 2);
      }
    });

    const casesTotal = [...caseCount.values()].reduce((a, b) => a + b, 0);
    console.log(
      `hostile-input (${t.driver}): ${routes.length} routes × ${Math.round(casesTotal / routes.length)} cases (avg) = ${casesTotal} cases, each sent as the route's own caller ` +
        `and ${others} = ${requests} requests (${phase1Requests} must-refuse or read, ${requests - phase1Requests} may-accept), ` +
        `${serverErrors.length} server errors`,
    );
    expect({ serverErrors, failures }).toEqual({ serverErrors: [], failures: [] });
    expect(after).toEqual(before); // phase 1 changed nothing
  }, 240_000);

  it('the decisions the walk relies on, one by one', async () => {
    const admin = await createAdmin(t);
    const call = (
      method: string,
      path: string,
      headers: Record<string, string>,
      payload: { contentType?: string; data?: Buffer } = {},
    ) => client.send(method, path, headers, payload);
    const json = (o: unknown) => ({
      contentType: 'application/json',
      data: Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)),
    });
    const auth = { authorization: `Bearer ${admin.accessToken}` };
    // Prototype poisoning is refused by the JSON parser itself: 400 before anything else looks at the body.
    expect(
      (await call('POST', '/auth/login', {}, json('{"__proto__":{"x":1},"username":"a","password":"b"}'))).status,
    ).toBe(400);
    expect(
      (
        await call(
          'POST',
          '/auth/login',
          {},
          json('{"constructor":{"prototype":{"x":1}},"username":"a","password":"b"}'),
        )
      ).status,
    ).toBe(400);
    // U+0000 anywhere in a body or a query string: 400 (PostgreSQL cannot store it) — after authentication and the
    // rate limit, which are decided before any input is read: without credentials a protected route is a 401.
    const nul = await call('POST', '/auth/login', {}, json({ username: 'a\u0000b', password: 'whatever-password' }));
    expect([nul.status, (nul.body as { code: string }).code]).toEqual([400, 'MALFORMED_BODY']);
    expect((await call('GET', '/auth/admin/users?search=%00', auth)).status).toBe(400);
    expect((await call('GET', '/auth/admin/users?search=%00', {})).status).toBe(401);
    // Deep nesting: 400 at parse level (class-transformer overflowed its stack near 2,500 levels: a 500 for anyone).
    const deep = (n: number) => '{"settings":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}';
    expect((await call('PUT', '/auth/profile', auth, json(deep(31)))).status).toBe(200);
    const tooDeep = await call('PUT', '/auth/profile', auth, json(deep(40)));
    expect([tooDeep.status, (tooDeep.body as { detail: string }).detail]).toEqual([
      400,
      'Request body is nested too deeply (more than 32 levels)',
    ]);
    expect(
      (await call('POST', '/auth/register', {}, json('{"full_name":' + '['.repeat(5000) + ']'.repeat(5000) + '}')))
        .status,
    ).toBe(400);
    // Over-long ids and broken percent-encoding never reach Nest, and still answer problem+json.
    expect((await call('GET', `/jobs/${'a'.repeat(500)}`, auth)).status).toBe(404);
    expect((await call('GET', '/jobs/%E0%A4%A', auth)).status).toBe(400);
    const huge = await call('GET', `/jobs?x=${'a'.repeat(20_000)}`, auth);
    expect([huge.status, huge.headers['content-type']]).toEqual([431, 'application/problem+json; charset=utf-8']);
    // LIKE wildcards match literally.
    const tag = randomBytes(4).toString('hex');
    const percent = await createUser(t, { fullName: `100%${tag} sure` });
    const under = await createUser(t, { username: `x_${tag}` });
    await createUser(t, { username: `xy${tag}`, fullName: `100 ${tag} sure` });
    const search = async (q: string) =>
      (
        (
          await t.http
            .get('/auth/admin/users')
            .query({ search: q })
            .set('Authorization', auth.authorization)
            .expect(200)
        ).body.users as Array<{ id: string }>
      ).map((u) => u.id);
    expect(await search(`%${tag}`)).toEqual([percent.id]);
    expect(await search(`x_${tag}`)).toEqual([under.id]);
    expect(await search(`\\${tag}`)).toEqual([]);
  });
});
