import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseDatabaseUrl } from './app-config';

const fernet = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';

describe('loadConfig', () => {
  it('defaults to SQLite at data/voicegate.db with the contract numbers', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vg-cfg-'));
    const c = loadConfig({}, { cwd });
    expect(c.database).toEqual({ type: 'better-sqlite3', database: join(cwd, 'data/voicegate.db') });
    expect(c.port).toBe(8000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.jwt).toMatchObject({ algorithm: 'HS256', accessTtlSeconds: 1800, refreshTtlSeconds: 30 * 86400 });
    expect(c.lockout).toEqual({ maxAttempts: 5, minutes: 30 });
    expect(c.rateLimit).toMatchObject({
      user: { perMinute: 30, perHour: 500, perDay: 5000 },
      adminMultiplier: 10,
      anonymous: { perMinute: 60, perHour: 1000, perDay: 10000 },
      authPerMinute: 20,
    });
    expect(c.bcryptRounds).toBe(12);
  });

  it('generates development secrets once and keeps them beside the SQLite file (restarts lose nothing)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vg-cfg-'));
    const a = loadConfig({}, { cwd });
    const b = loadConfig({}, { cwd });
    expect(a.jwt.secret).toBe(b.jwt.secret);
    expect(a.encryptionKeys).toEqual(b.encryptionKeys);
    expect(a.generatedSecretsFile).toBe(join(cwd, 'data', '.voicegate-secrets.json'));
    expect(statSync(a.generatedSecretsFile!).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(a.generatedSecretsFile!, 'utf8')).SECRET_KEY).toBe(a.jwt.secret);
  });

  it('in production refuses missing or placeholder secrets, naming them', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SECRET_KEY: is required/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'your-secret-key-here', ENCRYPTION_KEY: fernet }),
    ).toThrow(/SECRET_KEY: is a placeholder/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', SECRET_KEY: 'x'.repeat(40), ENCRYPTION_KEY: 'your-encryption-key-here' }),
    ).toThrow(/ENCRYPTION_KEY: is a placeholder/);
    const ok = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET_KEY: 'k'.repeat(40),
      ENCRYPTION_KEY: `${fernet},${fernet}`,
    });
    expect(ok.jwt.secret).toBe('k'.repeat(40));
    expect(ok.encryptionKeys).toHaveLength(2);
    expect(ok.generatedSecretsFile).toBeUndefined();
  });

  it('names every bad variable and never prints secret values', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        ALGORITHM: 'PS256',
        BCRYPT_ROUNDS: '3',
        ENCRYPTION_KEY: 'not-a-key',
        SECRET_KEY: 'short',
      });
      fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      for (const name of ['PORT', 'ALGORITHM', 'BCRYPT_ROUNDS']) expect(msg).toContain(name);
      expect(msg).not.toContain('not-a-key');
    }
    expect(() => loadConfig({ ENCRYPTION_KEY: 'not-a-key', SECRET_KEY: 's'.repeat(40) })).toThrow(
      /ENCRYPTION_KEY: key #1 is not a Fernet key/,
    );
    expect(() => loadConfig({ SECRET_KEY: 'short-secret' })).toThrow(/at least 32/);
  });
});

describe('WebAuthn configuration', () => {
  const load = (env: Record<string, string>) =>
    loadConfig({ SECRET_KEY: 'x'.repeat(40), ENCRYPTION_KEY: fernet, ...env }, { persistDevSecrets: false });

  it('defaults to localhost and accepts origins on the RP id or below it', () => {
    expect(load({}).webauthn).toEqual({ rpId: 'localhost', origins: ['http://localhost:8000'], rpName: 'Voicegate' });
    const c = load({
      WEBAUTHN_RP_ID: 'example.com',
      WEBAUTHN_ORIGINS: 'https://example.com, https://app.example.com:8443/',
    });
    expect(c.webauthn.origins).toEqual(['https://example.com', 'https://app.example.com:8443']);
  });

  it.each([
    [{ WEBAUTHN_RP_ID: 'https://example.com' }, 'WEBAUTHN_RP_ID'],
    [{ WEBAUTHN_RP_ID: '127.0.0.1', WEBAUTHN_ORIGINS: 'http://127.0.0.1:8000' }, 'WEBAUTHN_RP_ID'],
    [{ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://evil.com' }, 'not on WEBAUTHN_RP_ID'],
    [{ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'http://example.com' }, 'must use https'],
    [{ WEBAUTHN_ORIGINS: 'http://localhost:8000/account' }, 'must be an origin'],
    [{ WEBAUTHN_ORIGINS: 'not a url' }, 'is not a URL'],
    [{ WEBAUTHN_RP_NAME: 'a:b' }, 'WEBAUTHN_RP_NAME'],
  ])('refuses %j', (env, message) => {
    expect(() => load(env as Record<string, string>)).toThrow(message);
  });
});

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://u:p@h:5432/db', { type: 'postgres', url: 'postgres://u:p@h:5432/db' }],
    ['postgresql://u@h/db', { type: 'postgres', url: 'postgres://u@h/db' }],
    ['postgresql+asyncpg://user:pass@localhost/vtt', { type: 'postgres', url: 'postgres://user:pass@localhost/vtt' }],
    ['sqlite+aiosqlite:///./vtt_transcribe.db', { type: 'better-sqlite3', database: '/srv/vtt_transcribe.db' }],
    ['sqlite:/abs/x.db', { type: 'better-sqlite3', database: '/abs/x.db' }],
    ['sqlite:rel.db', { type: 'better-sqlite3', database: '/srv/rel.db' }],
    ['sqlite::memory:', { type: 'better-sqlite3', database: ':memory:' }],
  ])('%s', (url, expected) => {
    expect(parseDatabaseUrl(url, 10, '/srv')).toMatchObject(expected);
  });

  it('refuses other schemes', () => {
    expect(() => parseDatabaseUrl('mysql://x')).toThrow(ConfigError);
  });
});
