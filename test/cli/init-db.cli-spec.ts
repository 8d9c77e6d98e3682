import bcrypt from 'bcryptjs';
import { createHash } from 'node:crypto';
import { cli, cliOnTerminal, MIGRATIONS, TempDb, tempDb } from './helpers';

interface UserRow {
  id: string;
  email: string;
  username: string;
  role: string;
  hashed_password: string;
  api_key_hash: string;
  is_verified: number | boolean;
}

const users = (db: TempDb) =>
  db.query<UserRow>(
    `SELECT u.id, u.email, u.username, u.role, u.hashed_password, k.key_hash AS api_key_hash, u.is_verified
       FROM users u LEFT JOIN user_api_keys k ON k.user_id = u.id AND k.name = 'default' ORDER BY u.created_at`,
  );
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const apiKeyIn = (out: string) => /(tk_[0-9A-Za-z]{40,64})/.exec(out)?.[1];

jest.setTimeout(120_000);

describe.each(['sqlite', 'postgres'] as const)('init-db and create-admin on %s', (driver) => {
  let db: TempDb;
  beforeEach(async () => {
    db = await tempDb(driver);
  });
  afterEach(() => db.drop());

  it('migrates an empty database, creates the admin from options and prints its API key once; a second run changes nothing', async () => {
    const r = await cli(db, [
      'init-db',
      '--email',
      'Ops@Example.com',
      '--username',
      'ops',
      '--password',
      'orchid-tangent-42',
      '--yes',
    ]);
    expect(r.stderr).toContain('Applied migration InitialSchema1795387000000');
    expect(r.code).toBe(0);
    const key = apiKeyIn(r.stdout);
    expect(key).toBeDefined();
    expect(r.stdout).toContain('Admin "ops" <ops@example.com> created');
    expect(r.stderr).not.toContain(key!);

    const [admin, ...rest] = await users(db);
    expect(rest).toHaveLength(0);
    expect(admin).toMatchObject({ email: 'ops@example.com', username: 'ops', role: 'admin' });
    expect(Boolean(admin.is_verified)).toBe(true);
    expect(admin.api_key_hash).toBe(sha256(key!));
    expect(await bcrypt.compare('orchid-tangent-42', admin.hashed_password)).toBe(true);
    expect(admin.hashed_password).toMatch(/^\$2[ab]\$04\$/);
    const migrations = await db.query<{ name: string }>('SELECT name FROM migrations');
    expect(migrations.map((m) => m.name)).toEqual(MIGRATIONS);

    const again = await cli(db, [
      'init-db',
      '--email',
      'other@example.com',
      '--username',
      'other',
      '--password',
      'orchid-tangent-43',
      '--yes',
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('An admin already exists ("ops"); nothing changed');
    expect(again.stderr).not.toContain('Applied migration');
    expect(apiKeyIn(again.stdout)).toBeUndefined();
    expect(await users(db)).toHaveLength(1);
  });

  it('create-admin adds another admin whether or not one exists; a taken name is an operational failure (exit 1)', async () => {
    const first = await cli(db, [
      'create-admin',
      '--email',
      'a1@example.com',
      '--username',
      'alpha',
      '--generate-password',
      '--yes',
      '--json',
    ]);
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out).toMatchObject({ username: 'alpha', email: 'a1@example.com', role: 'admin' });
    expect(out.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const [alpha] = await users(db);
    expect(alpha.api_key_hash).toBe(sha256(out.api_key));
    expect(await bcrypt.compare(out.password, alpha.hashed_password)).toBe(true);

    const second = await cli(db, [
      'create-admin',
      '--email',
      'a2@example.com',
      '--username',
      'beta',
      '--password',
      'orchid-tangent-44',
      '--yes',
    ]);
    expect(second.code).toBe(0);
    expect((await users(db)).map((u) => [u.username, u.role])).toEqual([
      ['alpha', 'admin'],
      ['beta', 'admin'],
    ]);

    const taken = await cli(db, [
      'create-admin',
      '--email',
      'a3@example.com',
      '--username',
      'ALPHA',
      '--password',
      'orchid-tangent-45',
      '--yes',
    ]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('--username: Username already registered');
    expect(taken.stdout).toBe('');
    expect(await users(db)).toHaveLength(2);
  });
});

describe('init-db on SQLite', () => {
  let db: TempDb;
  beforeEach(async () => {
    db = await tempDb('sqlite');
  });
  afterEach(() => db.drop());

  it('asks for email, username and password from a pipe, explains what is wrong and asks again', async () => {
    const answers = [
      'not-an-email', // re-asked
      'Root@Example.com',
      'x', // too short: re-asked
      'root',
      'password', // too common
      'root@example.com', // its own email
      'stable-quartz-17',
      'stable-quartz-18', // confirmation mismatch
      'stable-quartz-17',
      'stable-quartz-17',
      '', // Enter at "Create admin …? [Y/n]"
    ];
    const r = await cli(db, ['init-db'], { input: answers.join('\n') + '\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Admin email:');
    expect(r.stderr).toContain('Email must be a valid email address; try again.');
    expect(r.stderr).toContain('Username must be 3–32 characters');
    expect(r.stderr).toContain('Password is too common');
    expect(r.stderr).toContain('Password must not be your username or email');
    expect(r.stderr).toContain('The passwords do not match; try again.');
    expect(r.stderr).toContain('Create admin "root" <root@example.com>? [Y/n]');
    expect(r.stderr).not.toContain('stable-quartz-17'); // answers are not echoed back
    const key = apiKeyIn(r.stdout);
    const [root] = await users(db);
    expect(root).toMatchObject({ username: 'root', email: 'root@example.com', role: 'admin' });
    expect(root.api_key_hash).toBe(sha256(key!));
    expect(await bcrypt.compare('stable-quartz-17', root.hashed_password)).toBe(true);
  });

  it('on a terminal, echoes what is typed but never the password, and takes Enter as yes', async () => {
    const r = await cliOnTerminal(
      db,
      ['init-db'],
      [
        ['Admin email: ', 'tty@example.com\r'],
        ['Admin username: ', 'ttyadmin\r'],
        ['Password: ', 'hidden-walnut-63\r'],
        ['Repeat password: ', 'hidden-walnut-63x\u007f\r'], // a backspace corrects a typo
        ['[Y/n] ', '\r'],
      ],
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('tty@example.com'); // visible answers are echoed
    expect(r.stdout).toContain('ttyadmin');
    expect(r.stdout).not.toContain('hidden-walnut'); // the password never is
    const key = apiKeyIn(r.stdout);
    const [admin] = await users(db);
    expect(admin).toMatchObject({ username: 'ttyadmin', email: 'tty@example.com', role: 'admin' });
    expect(admin.api_key_hash).toBe(sha256(key!));
    expect(await bcrypt.compare('hidden-walnut-63', admin.hashed_password)).toBe(true);
  });

  it('answering no creates nothing (exit 1); running out of answers is a usage error (exit 2)', async () => {
    const no = await cli(db, ['init-db'], { input: 'x@example.com\nxuser\ngreen-violet-91\ngreen-violet-91\nn\n' });
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('Cancelled; nothing was created.');
    expect(await users(db)).toHaveLength(0);

    const eof = await cli(db, ['init-db'], { input: 'x@example.com\n' });
    expect(eof.code).toBe(2);
    expect(eof.stderr).toContain('No more input on stdin');
    expect(await users(db)).toHaveLength(0);
  });

  it('a bad value given as an option is a usage error (exit 2) and creates nothing', async () => {
    const common = await cli(db, [
      'init-db',
      '--email',
      'o@example.com',
      '--username',
      'ops',
      '--password',
      'password123',
      '--yes',
    ]);
    expect(common.code).toBe(2);
    expect(common.stderr).toContain('--password: password is too common');
    expect(common.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    const email = await cli(db, [
      'init-db',
      '--email',
      'nope',
      '--username',
      'ops',
      '--password',
      'orchid-tangent-42',
      '--yes',
    ]);
    expect(email.code).toBe(2);
    expect(email.stderr).toContain('--email: Email must be a valid email address');
    expect(await users(db)).toHaveLength(0);
  });

  it('uses ADMIN_EMAIL/ADMIN_USERNAME/ADMIN_PASSWORD when no options are given, and --add-admin adds another', async () => {
    const env = { ADMIN_EMAIL: 'env@example.com', ADMIN_USERNAME: 'envadmin', ADMIN_PASSWORD: 'maple-anchor-58' };
    const r = await cli(db, ['init-db', '--yes'], { env });
    expect(r.code).toBe(0);
    const [admin] = await users(db);
    expect(admin).toMatchObject({ username: 'envadmin', email: 'env@example.com' });
    expect(await bcrypt.compare('maple-anchor-58', admin.hashed_password)).toBe(true);

    const more = await cli(db, [
      'init-db',
      '--add-admin',
      '--email',
      'second@example.com',
      '--username',
      'second',
      '--password',
      'maple-anchor-59',
      '--yes',
      '--json',
    ]);
    expect(more.code).toBe(0);
    expect(JSON.parse(more.stdout)).toMatchObject({ username: 'second', role: 'admin' });
    expect(await users(db)).toHaveLength(2);
  });
});
