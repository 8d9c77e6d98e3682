import bcrypt from 'bcryptjs';
import { randomBytes, randomUUID } from 'node:crypto';
import { Fernet, MultiFernet } from '../../src/service-keys/fernet';
import { CLI, cli, fernetKey, FIXED_KEY, MIGRATIONS, run, TempDb, tempDb } from './helpers';

jest.setTimeout(180_000);

/** SQLite's stored form of a time (UTC text), for rows the tests insert directly. */
const sqlTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const DAY = 86_400_000;

async function makeUser(db: TempDb, username: string): Promise<{ id: string; password: string }> {
  const r = await cli(db, [
    'create-admin',
    '--email',
    `${username}@example.com`,
    '--username',
    username,
    '--generate-password',
    '--yes',
    '--json',
  ]);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  return { id: out.id, password: out.password };
}

async function addSession(db: TempDb, userId: string, opts: { expiresAt: Date; revokedAt?: Date }): Promise<string> {
  const id = randomUUID();
  await db.query(
    'INSERT INTO user_sessions (id, user_id, refresh_token_jti, access_token_jti, last_active_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [
      id,
      userId,
      randomUUID(),
      randomUUID(),
      sqlTime(new Date()),
      sqlTime(opts.expiresAt),
      opts.revokedAt ? sqlTime(opts.revokedAt) : null,
    ],
  );
  return id;
}

describe('operator commands on SQLite', () => {
  let db: TempDb;
  let user: { id: string; password: string };
  beforeAll(async () => {
    db = await tempDb('sqlite');
    user = await makeUser(db, 'carol');
  });
  afterAll(() => db.drop());

  describe('reset-password', () => {
    it('sets the given password, ends every live session, audits it, and prints no secret it was given', async () => {
      const live1 = await addSession(db, user.id, { expiresAt: new Date(Date.now() + DAY) });
      const live2 = await addSession(db, user.id, { expiresAt: new Date(Date.now() + DAY) });
      const before = (
        await db.query<{ password_changed_at: string }>('SELECT password_changed_at FROM users WHERE id = ?', [user.id])
      )[0];

      const r = await cli(db, ['reset-password', 'CAROL@example.com', '--password', 'lantern-forest-73']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Password of "carol" reset; 2 session(s) ended.');
      expect(r.stdout + r.stderr).not.toContain('lantern-forest-73');
      expect(r.stderr).toContain('REDIS_URL is not set'); // says running instances without Redis learn of it late

      const [row] = await db.query<{ hashed_password: string; password_changed_at: string }>(
        'SELECT hashed_password, password_changed_at FROM users WHERE id = ?',
        [user.id],
      );
      expect(await bcrypt.compare('lantern-forest-73', row.hashed_password)).toBe(true);
      expect(row.password_changed_at > before.password_changed_at).toBe(true);
      const sessions = await db.query<{ id: string; revoked_at: string | null; revoked_reason: string }>(
        'SELECT id, revoked_at, revoked_reason FROM user_sessions WHERE id IN (?, ?)',
        [live1, live2],
      );
      expect(sessions.every((s) => s.revoked_at && s.revoked_reason === 'password_reset')).toBe(true);
      const blacklisted = await db.query('SELECT jti FROM revoked_tokens WHERE session_id IN (?, ?)', [live1, live2]);
      expect(blacklisted).toHaveLength(4); // access + refresh jti of each session
      const events = await db.query<{ type: string; details: string }>(
        "SELECT type, json(details) AS details FROM security_events WHERE type = 'password_reset' AND user_id = ?",
        [user.id],
      );
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0].details)).toMatchObject({ via: 'cli', sessions_revoked: 2 });
    });

    it('--generate prints a new password once; the prompt reads a hidden password twice from a pipe', async () => {
      const g = await cli(db, ['reset-password', 'carol', '--generate', '--json']);
      expect(g.code).toBe(0);
      const out = JSON.parse(g.stdout);
      expect(out).toMatchObject({ username: 'carol', sessions_ended: 0 });
      let [row] = await db.query<{ hashed_password: string }>('SELECT hashed_password FROM users WHERE id = ?', [
        user.id,
      ]);
      expect(await bcrypt.compare(out.password, row.hashed_password)).toBe(true);

      const p = await cli(db, ['reset-password', 'carol'], {
        input: 'short\nmeadow-copper-28\nmeadow-copper-29\nmeadow-copper-28\nmeadow-copper-28\n',
      });
      expect(p.code).toBe(0);
      expect(p.stderr).toContain('Password must be at least 8 characters; try again.');
      expect(p.stderr).toContain('The passwords do not match; try again.');
      [row] = await db.query<{ hashed_password: string }>('SELECT hashed_password FROM users WHERE id = ?', [user.id]);
      expect(await bcrypt.compare('meadow-copper-28', row.hashed_password)).toBe(true);
    });

    it('refuses an unknown user (1), a weak password (2) and contradictory options (2), changing nothing', async () => {
      const [before] = await db.query<{ hashed_password: string }>('SELECT hashed_password FROM users WHERE id = ?', [
        user.id,
      ]);
      const unknown = await cli(db, ['reset-password', 'nobody', '--password', 'lantern-forest-73']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('No user with username or email "nobody"');
      const weak = await cli(db, ['reset-password', 'carol', '--password', 'carol@example.com']);
      expect(weak.code).toBe(2);
      expect(weak.stderr).toContain('--password: password must not be your username or email');
      const both = await cli(db, ['reset-password', 'carol', '--password', 'lantern-forest-74', '--generate']);
      expect(both.code).toBe(2);
      const missing = await cli(db, ['reset-password']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("missing required argument 'user'");
      const [after] = await db.query<{ hashed_password: string }>('SELECT hashed_password FROM users WHERE id = ?', [
        user.id,
      ]);
      expect(after.hashed_password).toBe(before.hashed_password);
    });
  });

  describe('unlock', () => {
    it('lifts a lockout and resets the count; says so when there is nothing to lift', async () => {
      await db.query('UPDATE users SET failed_login_attempts = 5, locked_until = ? WHERE id = ?', [
        sqlTime(new Date(Date.now() + 30 * 60_000)),
        user.id,
      ]);
      const r = await cli(db, ['unlock', 'carol']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('"carol" unlocked.\n');
      const [row] = await db.query<{ failed_login_attempts: number; locked_until: string | null }>(
        'SELECT failed_login_attempts, locked_until FROM users WHERE id = ?',
        [user.id],
      );
      expect(row).toEqual({ failed_login_attempts: 0, locked_until: null });
      expect(
        await db.query("SELECT id FROM security_events WHERE type = 'account_unlocked' AND user_id = ?", [user.id]),
      ).toHaveLength(1);

      const again = await cli(db, ['unlock', 'carol@example.com']);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('"carol" is not locked; nothing changed.');
      const unknown = await cli(db, ['unlock', 'ghost']);
      expect(unknown.code).toBe(1);
    });
  });

  describe('cleanup', () => {
    it('deletes expired sessions, expired revoked-token entries and audit rows past the retention; --dry-run only counts', async () => {
      const now = Date.now();
      await db.query('DELETE FROM user_sessions');
      await db.query('DELETE FROM revoked_tokens');
      const keepSession = await addSession(db, user.id, { expiresAt: new Date(now + DAY) });
      const keepRevoked = await addSession(db, user.id, {
        expiresAt: new Date(now + DAY),
        revokedAt: new Date(now - 1000),
      });
      await addSession(db, user.id, { expiresAt: new Date(now - DAY) });
      await addSession(db, user.id, { expiresAt: new Date(now - 2 * DAY), revokedAt: new Date(now - 3 * DAY) });
      const token = (expires: number) =>
        db.query(
          "INSERT INTO revoked_tokens (id, jti, token_type, revoked_at, expires_at) VALUES (?, ?, 'access', ?, ?)",
          [randomUUID(), randomUUID(), sqlTime(new Date(now - DAY)), sqlTime(new Date(expires))],
        );
      await token(now - 1000);
      await token(now + DAY);
      const history = (at: number) =>
        db.query(
          "INSERT INTO login_history (id, user_id, login_at, login_method, success) VALUES (?, ?, ?, 'password', 1)",
          [randomUUID(), user.id, sqlTime(new Date(at))],
        );
      await history(now - 400 * DAY);
      await history(now - 10 * DAY);
      const event = (at: number) =>
        db.query(
          "INSERT INTO security_events (id, type, severity, created_at) VALUES (?, 'login_succeeded', 'info', ?)",
          [randomUUID(), sqlTime(new Date(at))],
        );
      await event(now - 500 * DAY);
      await event(now - 366 * DAY);
      const eventsBefore = (await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM security_events'))[0].n;

      const dry = await cli(db, ['cleanup', '--dry-run', '--json']);
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout)).toEqual({
        dry_run: true,
        retention_days: 365,
        deleted: {
          user_sessions: 2,
          revoked_tokens: 1,
          mfa_challenges: 0,
          webauthn_challenges: 0,
          login_history: 1,
          security_events: 2,
        },
      });
      expect((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM user_sessions'))[0].n).toBe(4);

      const r = await cli(db, ['cleanup']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/expired sessions\s+2\n/);
      expect(r.stdout).toMatch(/expired revoked tokens\s+1\n/);
      expect(r.stdout).toMatch(/login history older than 365 days\s+1\n/);
      expect(r.stdout).toMatch(/security events older than 365 days\s+2\n/);
      expect(
        (await db.query<{ id: string }>('SELECT id FROM user_sessions ORDER BY id')).map((s) => s.id).sort(),
      ).toEqual([keepSession, keepRevoked].sort());
      expect(await db.query('SELECT id FROM revoked_tokens')).toHaveLength(1);
      expect(await db.query('SELECT id FROM login_history')).toHaveLength(1);
      expect((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM security_events'))[0].n).toBe(eventsBefore - 2);

      await history(now - 400 * DAY);
      const keepAll = await cli(db, ['cleanup', '--retention-days', '0', '--json']);
      expect(JSON.parse(keepAll.stdout).deleted).toMatchObject({ login_history: 0, security_events: 0 });
      expect(await db.query('SELECT id FROM login_history')).toHaveLength(2);
      const bad = await cli(db, ['cleanup', '--retention-days', 'soon']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--retention-days must be a whole number');
    });
  });

  describe('rotate-encryption-key', () => {
    it('re-encrypts every stored key with the first key, with plain progress lines off a terminal, and can be re-run', async () => {
      const oldKey = fernetKey();
      const newKey = fernetKey();
      const secrets = Array.from({ length: 5 }, (_, i) => `sk-secret-${i}-${randomBytes(6).toString('hex')}`);
      const ids: string[] = [];
      for (const s of secrets) {
        const id = randomUUID();
        ids.push(id);
        await db.query("INSERT INTO api_keys (id, user_id, service, encrypted_key) VALUES (?, ?, 'openai', ?)", [
          id,
          user.id,
          new Fernet(oldKey).encrypt(s),
        ]);
      }
      const hook = `whsec_${randomBytes(32).toString('base64')}`;
      await db.query(
        "INSERT INTO webhook_endpoints (id, url, events, secret_encrypted) VALUES (?, 'https://h.example.com/', 'user.created', ?)",
        [randomUUID(), new Fernet(oldKey).encrypt(hook)],
      );
      const totpSecret = 'JBSWY3DPEHPK3PXP';
      await db.query('INSERT INTO mfa_totp (user_id, secret_encrypted, confirmed_at) VALUES (?, ?, ?)', [
        user.id,
        new Fernet(oldKey).encrypt(totpSecret),
        new Date().toISOString().replace('T', ' ').replace('Z', ''),
      ]);
      const r = await cli(db, ['rotate-encryption-key', '--batch-size', '2'], {
        env: { ENCRYPTION_KEY: `${newKey},${oldKey}` },
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('Service keys: 2/5\nService keys: 4/5\nService keys: 5/5\n');
      expect(r.stdout).toContain('Service keys: 5 stored, 5 re-encrypted, 0 already under the first key.');
      expect(r.stdout).toContain('the others can be removed from ENCRYPTION_KEY');
      expect(r.stdout).toContain('Webhook signing secrets: 1 stored, 1 re-encrypted.');
      const [endpoint] = await db.query<{ secret_encrypted: string }>('SELECT secret_encrypted FROM webhook_endpoints');
      expect(new MultiFernet([new Fernet(newKey)]).decrypt(endpoint.secret_encrypted).toString()).toBe(hook);
      await db.query('DELETE FROM webhook_endpoints');
      expect(r.stdout).toContain('TOTP secrets: 1 stored, 1 re-encrypted.');
      const [totp] = await db.query<{ secret_encrypted: string }>('SELECT secret_encrypted FROM mfa_totp');
      expect(new MultiFernet([new Fernet(newKey)]).decrypt(totp.secret_encrypted).toString()).toBe(totpSecret);
      await db.query('DELETE FROM mfa_totp');
      const rows = await db.query<{ id: string; encrypted_key: string }>('SELECT id, encrypted_key FROM api_keys');
      const onlyNew = new MultiFernet([new Fernet(newKey)]);
      for (const row of rows) expect(onlyNew.decrypt(row.encrypted_key).toString()).toBe(secrets[ids.indexOf(row.id)]);

      const again = await cli(db, ['rotate-encryption-key'], { env: { ENCRYPTION_KEY: `${newKey},${oldKey}` } });
      expect(again.stdout).toContain('5 stored, 0 re-encrypted, 5 already under the first key.');

      // A key that no configured key decrypts is reported and left alone: exit 1.
      const stray = randomUUID();
      await db.query("INSERT INTO api_keys (id, user_id, service, encrypted_key) VALUES (?, ?, 'openai', ?)", [
        stray,
        user.id,
        new Fernet(fernetKey()).encrypt('x'),
      ]);
      const bad = await cli(db, ['rotate-encryption-key'], { env: { ENCRYPTION_KEY: newKey } });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(stray);
      expect(bad.stderr).toContain('1 service key(s) could not be decrypted');
      await db.query('DELETE FROM api_keys');
    });

    it('draws a cli-progress bar on a terminal', async () => {
      const k = fernetKey();
      await db.query("INSERT INTO api_keys (id, user_id, service, encrypted_key) VALUES (?, ?, 'openai', ?)", [
        randomUUID(),
        user.id,
        new Fernet(k).encrypt('y'),
      ]);
      // util-linux `script` gives the CLI a pseudo-terminal as stdin, stdout and stderr.
      const command = [process.execPath, CLI, 'rotate-encryption-key'].map((a) => `'${a}'`).join(' ');
      const r = await run('script', ['--echo', 'never', '-qfec', command, '/dev/null'], {
        env: {
          DATABASE_URL: db.url,
          ENCRYPTION_KEY: `${fernetKey()},${k}`,
          NODE_ENV: 'development',
          SECRET_KEY: 'x'.repeat(40),
        },
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Service keys \[[█░]+\] 100% \| 1\/1/);
      expect(r.stdout).not.toContain('Service keys: 1/1\n');
      await db.query('DELETE FROM api_keys');
    });
  });
});

describe('commands without a database', () => {
  it('generate-secrets prints a .env block: a 48-byte SECRET_KEY and a Fernet ENCRYPTION_KEY the service accepts', async () => {
    const r = await cli(null, ['generate-secrets']);
    expect(r.code).toBe(0);
    const secret = /^SECRET_KEY=(\S+)$/m.exec(r.stdout)![1];
    const enc = /^ENCRYPTION_KEY=(\S+)$/m.exec(r.stdout)![1];
    expect(Buffer.from(secret, 'base64url')).toHaveLength(48);
    expect(enc).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(Buffer.from(enc, 'base64url')).toHaveLength(32);
    expect(new Fernet(enc).decrypt(new Fernet(enc).encrypt('ok')).toString()).toBe('ok');
    expect(r.stdout.split('\n').filter((l) => l && !l.startsWith('#'))).toHaveLength(2);

    const second = await cli(null, ['generate-secrets', '--json']);
    expect(JSON.parse(second.stdout).SECRET_KEY).not.toBe(secret);

    // The block works as configuration in production, where missing or placeholder secrets refuse to start.
    const prod = await cli(null, ['generate-secrets', '--keep-old-keys', '--json'], {
      env: { NODE_ENV: 'production', ENCRYPTION_KEY: FIXED_KEY },
    });
    const keys = JSON.parse(prod.stdout).ENCRYPTION_KEY.split(',');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(FIXED_KEY);
    const check = await cli(null, ['migrate', 'show'], {
      env: {
        NODE_ENV: 'production',
        SECRET_KEY: secret,
        ENCRYPTION_KEY: keys.join(','),
        DATABASE_URL: 'sqlite::memory:',
      },
    });
    expect(check.code).toBe(0);
  });

  it('usage errors exit 2 with the message on stderr; --help exits 0 for every command', async () => {
    const unknown = await cli(null, ['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(unknown.stdout).toBe('');
    const none = await cli(null, []);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: voicegate-cli');
    const badOption = await cli(null, ['generate-secrets', '--bogus']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("unknown option '--bogus'");
    const badChoice = await cli(null, ['migrate', 'sideways']);
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toContain("value 'sideways' is invalid for argument 'action'");
    const badBatch = await cli(null, ['rotate-encryption-key', '--batch-size', '0']);
    expect(badBatch.code).toBe(2);
    const badConfig = await cli(null, ['cleanup'], { env: { BCRYPT_ROUNDS: '99' } });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('BCRYPT_ROUNDS');

    const commands = [
      'init-db',
      'create-admin',
      'reset-password',
      'unlock',
      'rotate-encryption-key',
      'cleanup',
      'generate-secrets',
      'migrate',
    ];
    const helps = await Promise.all(commands.map((c) => cli(null, [c, '--help'])));
    helps.forEach((h, i) => {
      expect(h.code).toBe(0);
      expect(h.stdout).toContain(`Usage: voicegate-cli ${commands[i]}`);
    });
    const top = await cli(null, ['--help']);
    expect(top.code).toBe(0);
    for (const c of commands) expect(top.stdout).toContain(c);
    const helpCommand = await cli(null, ['help', 'unlock']);
    expect(helpCommand.code).toBe(0);
    expect(helpCommand.stdout).toContain('Usage: voicegate-cli unlock');
    const version = await cli(null, ['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('closes everything it opened: with Redis configured (up or down) the command still ends by itself', async () => {
    const db = await tempDb('sqlite');
    try {
      const up = await cli(db, ['cleanup'], {
        env: { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' },
      });
      expect(up.code).toBe(0);
      const down = await cli(db, ['cleanup'], { env: { REDIS_URL: 'redis://127.0.0.1:1' } });
      expect(down.code).toBe(0);
      expect(down.stderr).toContain('Redis unavailable');
    } finally {
      await db.drop();
    }
  });

  it('an unreachable PostgreSQL is an operational failure (exit 1) reported at once', async () => {
    const r = await cli(null, ['unlock', 'someone'], { env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot connect to PostgreSQL 127.0.0.1:1/none');
    expect(r.ms).toBeLessThan(15_000);
  });
});

describe('migrate', () => {
  let db: TempDb;
  beforeAll(async () => {
    db = await tempDb('sqlite');
  });
  afterAll(() => db.drop());

  it('show, run, revert (asks first) on a fresh database', async () => {
    const last = MIGRATIONS[MIGRATIONS.length - 1];
    const show = await cli(db, ['migrate', 'show', '--check']);
    expect(show.code).toBe(1);
    expect(show.stdout).toBe(MIGRATIONS.map((m) => `[ ] ${m}\n`).join('') + `${MIGRATIONS.length} pending.\n`);
    expect(show.stderr).toContain(`${MIGRATIONS.length} migration(s) pending`);

    const runIt = await cli(db, ['migrate', 'run']);
    expect(runIt.code).toBe(0);
    for (const m of MIGRATIONS) expect(runIt.stderr).toContain(`Applied migration ${m}`);
    const shown = await cli(db, ['migrate', 'show', '--check']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(MIGRATIONS.map((m) => `[X] ${m}\n`).join('') + 'Up to date.\n');
    expect(await db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'users'")).toHaveLength(1);

    const declined = await cli(db, ['migrate', 'revert'], { input: 'n\n' });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain(`Revert migration ${last}?`);
    expect(await db.query('SELECT name FROM migrations')).toHaveLength(MIGRATIONS.length);

    const reverted = await cli(db, ['migrate', 'revert', '--yes']);
    expect(reverted.code).toBe(0);
    expect(reverted.stdout).toContain(`Reverted migration ${last}.`);
    expect((await db.query<{ name: string }>('SELECT name FROM migrations')).map((m) => m.name)).toEqual(
      MIGRATIONS.slice(0, -1),
    );
  });
});
