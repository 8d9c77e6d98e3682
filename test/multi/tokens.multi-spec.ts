import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  DIST,
  freePort,
  killEverything,
  login,
  queryOn,
  register,
  req,
  SECRETS,
  ServiceProcess,
  SHARED_REDIS_URL,
  sharedDatabase,
  waitFor,
} from './helpers';

const HARNESS = join(__dirname, 'stream-harness.js');
const ADMIN = { username: 'tokens_admin', email: 'tokens_admin@example.com', password: 'Admin-Password-9-Tokens' };

/** The built service plus the harness route (test/multi/stream-harness.js), as a separate process. */
async function startInstance(name: string, env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [HARNESS], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      ...SECRETS,
      BCRYPT_ROUNDS: '4',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const svc = new ServiceProcess(name, port, child);
  await waitFor(
    `${name} to answer /health`,
    async () => {
      if (!svc.alive) throw new Error(`${name} exited\n${svc.tail()}`);
      return (await fetch(`${svc.url}/health`).catch(() => null))?.status === 200;
    },
    { timeoutMs: 60_000 },
  );
  return svc;
}

/**
 * Two instances (separate processes) on one PostgreSQL database and one Redis, under ALGORITHM=EdDSA: what one
 * instance does to a token — use a stream token, revoke a session, rotate the signing key — holds on the other.
 */
describe('tokens across two instances (PostgreSQL + Redis, EdDSA)', () => {
  let db: Awaited<ReturnType<typeof sharedDatabase>>;
  let a: ServiceProcess;
  let b: ServiceProcess;
  let adminToken: string;

  beforeAll(async () => {
    db = await sharedDatabase('vg_multi_tokens');
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: SHARED_REDIS_URL,
      ALGORITHM: 'EdDSA',
      RATE_LIMIT_ENABLED: 'false',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    };
    a = await startInstance('A', env);
    b = await startInstance('B', env);
    adminToken = (await login(a, ADMIN.username, ADMIN.password)).access;
  }, 150_000);

  afterAll(async () => {
    for (const svc of [a, b]) if (svc?.alive) svc.child.kill('SIGKILL');
    await killEverything();
    await db?.drop();
  }, 30_000);

  const consume = (svc: ServiceProcess, token: string, scope = 'transcribe') =>
    req(svc, 'POST', '/__harness/stream/consume', { json: { token, scope } });

  test('both instances publish the same keys and accept each other’s tokens', async () => {
    const ja = (await req(a, 'GET', '/.well-known/jwks.json')).body;
    const jb = (await req(b, 'GET', '/.well-known/jwks.json')).body;
    expect(ja.keys).toHaveLength(2);
    expect(jb).toEqual(ja);
    const rows = await queryOn(db.url)<{ n: number }>(`SELECT count(*)::int AS n FROM signing_keys`);
    expect(rows[0].n).toBe(2); // the two instances raced to create them: one did
    const u = await register(a, 'tk');
    const t = await login(a, u.username);
    expect((await req(b, 'GET', '/auth/me', { token: t.access })).status).toBe(200);
  });

  test('a stream token used on A is refused on B (and introspects as inactive there)', async () => {
    const u = await register(a, 'st');
    const t = await login(a, u.username);
    const minted = await req(a, 'POST', '/auth/stream-token', { token: t.access, json: { scope: 'transcribe' } });
    expect(minted.status).toBe(201);
    const token = minted.body.token;
    const live = await req(b, 'POST', '/oauth/introspect', { token: adminToken, form: { token } });
    expect(live.body).toMatchObject({ active: true, token_type: 'stream_token' });
    const first = await consume(a, token);
    expect([first.status, first.body.user_id]).toEqual([200, u.id]);
    const again = await consume(b, token);
    expect([again.status, again.body.code]).toEqual([401, 'STREAM_TOKEN_USED']);
    expect((await req(b, 'POST', '/oauth/introspect', { token: adminToken, form: { token } })).body).toEqual({
      active: false,
    });
    // Used on both at once: exactly one accepts.
    const second = (await req(a, 'POST', '/auth/stream-token', { token: t.access, json: { scope: 'tts' } })).body.token;
    const both = await Promise.all([consume(a, second, 'tts'), consume(b, second, 'tts')]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  test('a revoke on A is refused on B: the refresh token’s session ends on both', async () => {
    const u = await register(a, 'rv');
    const t = await login(a, u.username);
    expect((await req(b, 'GET', '/auth/me', { token: t.access })).status).toBe(200); // B has the session cached
    expect((await req(a, 'POST', '/oauth/revoke', { form: { token: t.refresh } })).status).toBe(200);
    expect((await req(b, 'GET', '/auth/me', { token: t.access })).status).toBe(401);
    expect((await req(b, 'POST', '/auth/refresh', { json: { refresh_token: t.refresh } })).status).toBe(401);
    // A stream token minted before, under the revoked session, is refused too.
    const v = await register(a, 'rs');
    const tv = await login(a, v.username);
    const st = (await req(a, 'POST', '/auth/stream-token', { token: tv.access, json: { scope: 'tts' } })).body.token;
    expect((await req(b, 'GET', '/auth/me', { token: tv.access })).status).toBe(200);
    expect((await req(a, 'POST', '/oauth/revoke', { form: { token: tv.access } })).status).toBe(200);
    expect((await consume(b, st, 'tts')).status).toBe(401);
    // An API key revoked on A is refused on B.
    expect((await req(b, 'GET', '/auth/me', { apiKey: u.apiKey })).status).toBe(200);
    expect((await req(a, 'POST', '/oauth/revoke', { form: { token: u.apiKey } })).status).toBe(200);
    expect((await req(b, 'GET', '/auth/me', { apiKey: u.apiKey })).status).toBe(401);
  });

  test('npm run cli -- rotate-signing-key while both run: both publish and sign with the new key at once', async () => {
    const u = await register(a, 'ro');
    const before = await login(b, u.username);
    const cli = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, [join(DIST, 'src', 'cli', 'main.js'), ...args], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'production',
          ...SECRETS,
          DATABASE_URL: db.url,
          REDIS_URL: SHARED_REDIS_URL,
          ALGORITHM: 'EdDSA',
          ...env,
        },
      });
    const hs = cli(['rotate-signing-key'], { ALGORITHM: 'HS256' });
    expect([hs.status, hs.stderr]).toEqual([1, expect.stringContaining('no signing key to rotate')]);
    const run = cli(['rotate-signing-key', '--json']);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('Signing keys: 2/2');
    const outcome = JSON.parse(run.stdout);
    for (const svc of [a, b]) {
      await waitFor(
        `${svc.name} to publish the rotation`,
        async () => {
          const kids = (await req(svc, 'GET', '/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
          return kids.length === 3 && kids[0] === outcome.current && kids[2] === outcome.retired;
        },
        { timeoutMs: 5000 },
      );
      const fresh = await login(svc, u.username);
      const kid = JSON.parse(Buffer.from(fresh.access.split('.')[0], 'base64url').toString()).kid;
      expect(kid).toBe(outcome.current);
      expect((await req(a === svc ? b : a, 'GET', '/auth/me', { token: fresh.access })).status).toBe(200);
    }
    // A token of the retired key keeps working on both.
    for (const svc of [a, b]) expect((await req(svc, 'GET', '/auth/me', { token: before.access })).status).toBe(200);
  });
});
