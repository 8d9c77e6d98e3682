import { cli, FIXED_KEY, startService, TempDb, tempDb } from './helpers';

jest.setTimeout(180_000);

const BLOCK = /={20,}\n\| FIRST ADMIN ACCOUNT[^\n]*\n(?:\|[^\n]*\n)+={20,}/g;
const field = (block: string, name: string) => new RegExp(`\\| ${name}:\\s+(\\S+)`).exec(block)?.[1];
/** The service's structured log lines (pino JSON on stdout). */
const jsonLines = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('{'));

async function login(url: string, username: string, password: string): Promise<number> {
  const res = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return res.status;
}

async function me(
  url: string,
  apiKey: string,
): Promise<{ status: number; body: { username?: string; role?: string } }> {
  const res = await fetch(`${url}/auth/me`, { headers: { 'x-api-key': apiKey } });
  return { status: res.status, body: (await res.json()) as { username?: string; role?: string } };
}

describe('first start with an empty database', () => {
  let db: TempDb;
  beforeEach(async () => {
    db = await tempDb('sqlite');
  });
  afterEach(() => db.drop());

  it('in development, creates an admin with a generated password and API key printed once in a console block, never in the log', async () => {
    const env = { DATABASE_URL: db.url, NODE_ENV: 'development' };
    const first = await startService(env);
    const stdout = await first.waitForStdout('printed once to the console (not to the log)');
    const blocks = stdout.match(BLOCK) ?? [];
    expect(blocks).toHaveLength(1);
    const block = blocks[0] as string;
    const password = field(block, 'password')!;
    const apiKey = field(block, 'API key')!;
    expect(field(block, 'username')).toBe('admin');
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(apiKey).toMatch(/^tk_/);
    const logs = jsonLines(stdout);
    expect(
      logs.some((l) => l.includes('created \\"admin\\" with a generated password, printed once to the console')),
    ).toBe(true);
    for (const l of logs) {
      expect(l).not.toContain(password);
      expect(l).not.toContain(apiKey);
    }
    expect(await login(first.url, 'admin', password)).toBe(200);
    expect(await me(first.url, apiKey)).toMatchObject({ status: 200, body: { username: 'admin', role: 'admin' } });
    const tokens = (await (
      await fetch(`${first.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      })
    ).json()) as { tokens: { access_token: string } };
    await first.stop();

    // A restart keeps every row and the same generated secrets: the earlier token and key still work.
    const second = await startService(env);
    try {
      expect(
        (await fetch(`${second.url}/auth/me`, { headers: { authorization: `Bearer ${tokens.tokens.access_token}` } }))
          .status,
      ).toBe(200);
      expect(await me(second.url, apiKey)).toMatchObject({ status: 200 });
    } finally {
      await second.stop();
    }
    expect(second.output().stdout).not.toMatch(BLOCK);
    expect(await db.query("SELECT username FROM users WHERE role = 'admin'")).toEqual([{ username: 'admin' }]);
  });

  it('takes the admin from ADMIN_EMAIL/ADMIN_USERNAME/ADMIN_PASSWORD, and prints nothing secret', async () => {
    const svc = await startService({
      DATABASE_URL: db.url,
      ADMIN_EMAIL: 'Boss@Example.com',
      ADMIN_USERNAME: 'boss',
      ADMIN_PASSWORD: 'granite-harbor-81',
    });
    try {
      expect(await login(svc.url, 'boss@example.com', 'granite-harbor-81')).toBe(200);
      const stdout = await svc.waitForStdout('from ADMIN_EMAIL/ADMIN_USERNAME/ADMIN_PASSWORD');
      expect(stdout).not.toMatch(BLOCK);
      expect(stdout).not.toContain('granite-harbor-81');
      expect(
        jsonLines(stdout).some((l) => l.includes('created \\"boss\\" from ADMIN_EMAIL/ADMIN_USERNAME/ADMIN_PASSWORD')),
      ).toBe(true);
    } finally {
      await svc.stop();
    }
    expect(await db.query("SELECT username, email FROM users WHERE role = 'admin'")).toEqual([
      { username: 'boss', email: 'boss@example.com' },
    ]);
  });

  it('refuses to start when ADMIN_PASSWORD fails the password policy, saying why', async () => {
    const err = await startService({
      DATABASE_URL: db.url,
      ADMIN_EMAIL: 'boss@example.com',
      ADMIN_USERNAME: 'boss',
      ADMIN_PASSWORD: 'password1',
    }).then(
      (svc) => svc.stop().then(() => null),
      (e: Error) => e,
    );
    expect(err?.message).toContain('service exited with 1 before it was ready');
    expect(err?.message).toContain(
      'The first admin from ADMIN_EMAIL/ADMIN_USERNAME/ADMIN_PASSWORD is not valid: password: is too common',
    );
    expect(err?.message).not.toContain('password1'); // the value itself is not echoed
    expect(await db.query('SELECT id FROM users')).toHaveLength(0);
  });

  it('in production without ADMIN_* creates nothing and says how to create the first admin', async () => {
    const svc = await startService({
      DATABASE_URL: db.url,
      NODE_ENV: 'production',
      SECRET_KEY: 'p'.repeat(16) + 'roduction-secret-value-0123456789',
      ENCRYPTION_KEY: FIXED_KEY,
    });
    await svc.stop();
    const { stdout } = svc.output();
    expect(stdout).not.toMatch(BLOCK);
    const warning = jsonLines(stdout).find((l) => l.includes('No admin account exists'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning!)).toMatchObject({ level: 'warn' });
    expect(warning).toContain('npm run init-db');
    expect(await db.query('SELECT id FROM users')).toHaveLength(0);
  });

  it('with NODE_ENV=test and no ADMIN_* does nothing (test apps start on empty databases)', async () => {
    const svc = await startService({ DATABASE_URL: db.url, NODE_ENV: 'test' });
    await svc.stop();
    expect(svc.output().stdout).not.toMatch(BLOCK);
    expect(await db.query('SELECT id FROM users')).toHaveLength(0);
  });
});

describe.each(['sqlite', 'postgres'] as const)('two instances starting at once on %s', (driver) => {
  let db: TempDb;
  beforeEach(async () => {
    db = await tempDb(driver);
    // Migrations first: the race under test is the admin's, not the schema's.
    expect((await cli(db, ['migrate', 'run'])).code).toBe(0);
  });
  afterEach(() => db.drop());

  it('create exactly one admin; only the instance that created it prints the credentials', async () => {
    const env = { DATABASE_URL: db.url, NODE_ENV: 'development' };
    const [a, b] = await Promise.all([startService(env), startService(env)]);
    await Promise.all([a.stop(), b.stop()]);
    const blocks = [...(a.output().stdout.match(BLOCK) ?? []), ...(b.output().stdout.match(BLOCK) ?? [])];
    expect(blocks).toHaveLength(1);
    const admins = await db.query<{ username: string }>("SELECT username FROM users WHERE role = 'admin'");
    expect(admins).toEqual([{ username: 'admin' }]);
  });
});
