import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Fernet, InvalidToken, MultiFernet } from './fernet';

// The Fernet specification's official vectors (github.com/fernet/spec), copied unchanged into the repo.
const VECTORS = resolve(__dirname, '../../test/fixtures/fernet');
const load = <T>(name: string): T[] => JSON.parse(readFileSync(resolve(VECTORS, `${name}.json`), 'utf8'));
const urlSafe = (buf: Buffer) => buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);

interface GenerateVector {
  token: string;
  now: string;
  iv: number[];
  src: string;
  secret: string;
}
interface VerifyVector {
  token: string;
  now: string;
  ttl_sec: number;
  src: string;
  secret: string;
}
interface InvalidVector {
  desc: string;
  token: string;
  now: string;
  ttl_sec: number;
  secret: string;
}

const generate = load<GenerateVector>('generate');
const verify = load<VerifyVector>('verify');
const invalid = load<InvalidVector>('invalid');

describe('Fernet (specification vectors)', () => {
  it('has vectors to run', () => {
    expect(generate.length).toBeGreaterThan(0);
    expect(verify.length).toBeGreaterThan(0);
    expect(invalid.length).toBeGreaterThanOrEqual(8);
  });

  it.each(generate.map((v) => [v.src, v] as const))('generate: %s gives the exact token', (_, v) => {
    const sut = new Fernet(v.secret);
    expect(sut.encryptAtTime(v.src, unix(v.now), Buffer.from(v.iv))).toBe(v.token);
  });

  it.each(verify.map((v) => [v.src, v] as const))('verify: decrypts to %s with and without a TTL', (_, v) => {
    const sut = new Fernet(v.secret);
    expect(sut.decrypt(v.token, { ttl: v.ttl_sec, now: unix(v.now) }).toString('utf8')).toBe(v.src);
    expect(sut.decrypt(v.token).toString('utf8')).toBe(v.src);
  });

  it.each(invalid.map((v) => [v.desc, v] as const))('invalid: rejects "%s" when a TTL is checked', (_, v) => {
    const sut = new Fernet(v.secret);
    expect(() => sut.decrypt(v.token, { ttl: v.ttl_sec, now: unix(v.now) })).toThrow(InvalidToken);
  });

  // Voicegate decrypts stored keys without a TTL: only the two time-based cases may then pass.
  const timeBased = new Set(['expired TTL', 'far-future TS (unacceptable clock skew)']);
  it.each(invalid.filter((v) => !timeBased.has(v.desc)).map((v) => [v.desc, v] as const))(
    'invalid: rejects "%s" without a TTL',
    (_, v) => {
      expect(() => new Fernet(v.secret).decrypt(v.token)).toThrow(InvalidToken);
    },
  );

  it('accepts the time-based invalid tokens when no TTL is asked for (they are intact)', () => {
    for (const v of invalid.filter((x) => timeBased.has(x.desc)))
      expect(() => new Fernet(v.secret).decrypt(v.token)).not.toThrow();
  });
});

describe('Fernet', () => {
  const key = Fernet.generateKey();
  const sut = new Fernet(key);

  it('generates keys in the form Python gives (44 url-safe characters with padding)', () => {
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(Fernet.generateKey()).not.toBe(key);
  });

  it('round-trips text, empty and multi-block plaintexts', () => {
    for (const text of ['', 'sk-proj-abc', 'x'.repeat(16), 'ü€😀'.repeat(40)])
      expect(sut.decrypt(sut.encrypt(text)).toString('utf8')).toBe(text);
  });

  it('emits padded url-safe base64 beginning with the version byte', () => {
    for (let n = 0; n < 40; n++) {
      const token = sut.encrypt('a'.repeat(n));
      expect(token.length % 4).toBe(0);
      expect(token).toMatch(/^gAAAAA[A-Za-z0-9_-]+={0,2}$/);
    }
  });

  it('uses a fresh IV for each token', () => {
    expect(sut.encrypt('same')).not.toBe(sut.encrypt('same'));
  });

  it('rejects a token made with another key', () => {
    expect(() => new Fernet(Fernet.generateKey()).decrypt(sut.encrypt('secret'))).toThrow(InvalidToken);
  });

  it('rejects every single-bit flip of a token (never returns garbage)', () => {
    const raw = Buffer.from(sut.encrypt('sk-1234567890abcdef'), 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i] ^= 0x01;
      expect(() => sut.decrypt(urlSafe(bad))).toThrow(InvalidToken);
    }
  });

  it.each([
    ['empty', ''],
    ['not base64', 'not a token!'],
    ['unpadded', sutToken().replace(/=+$/, '')],
    ['standard-alphabet characters', sutToken().replace(/-/g, '+').replace(/_/g, '/') + '+/+/'],
    ['truncated', sutToken().slice(0, 40)],
    ['wrong version', urlSafe(Buffer.concat([Buffer.from([0x81]), Buffer.from(sutToken(), 'base64url').subarray(1)]))],
  ])('rejects a malformed token: %s', (_, token) => {
    expect(() => sut.decrypt(token)).toThrow(InvalidToken);
  });

  function sutToken(): string {
    return new Fernet(key).encrypt('payload for malformed cases');
  }

  it('rejects keys that are not 32 url-safe base64 bytes', () => {
    expect(() => new Fernet('short')).toThrow(/32 url-safe base64-encoded bytes/);
    expect(() => new Fernet(Buffer.alloc(16))).toThrow(/32 url-safe/);
  });

  it('honours a TTL only when asked', () => {
    const t0 = 1_700_000_000;
    const token = sut.encryptAtTime('x', t0);
    expect(sut.decrypt(token, { ttl: 10, now: t0 + 10 }).toString()).toBe('x');
    expect(() => sut.decrypt(token, { ttl: 10, now: t0 + 11 })).toThrow(InvalidToken);
    expect(() => sut.decrypt(token, { ttl: 10, now: t0 - 61 })).toThrow(InvalidToken);
    expect(sut.decrypt(token).toString()).toBe('x');
    expect(sut.extractTimestamp(token)).toBe(t0);
  });
});

describe('MultiFernet', () => {
  const oldKey = Fernet.generateKey();
  const newKey = Fernet.generateKey();

  it('encrypts with the first key and decrypts with any', () => {
    const sut = MultiFernet.fromKeys([newKey, oldKey]);
    const oldToken = new Fernet(oldKey).encrypt('old secret');
    expect(sut.decrypt(oldToken).toString()).toBe('old secret');
    const token = sut.encrypt('new secret');
    expect(new Fernet(newKey).decrypt(token).toString()).toBe('new secret');
    expect(() => new Fernet(oldKey).decrypt(token)).toThrow(InvalidToken);
  });

  it('rejects a token none of its keys made', () => {
    const sut = MultiFernet.fromKeys([newKey, oldKey]);
    expect(() => sut.decrypt(new Fernet(Fernet.generateKey()).encrypt('x'))).toThrow(InvalidToken);
  });

  it('rotates to the first key, keeping the timestamp', () => {
    const sut = MultiFernet.fromKeys([newKey, oldKey]);
    const oldToken = new Fernet(oldKey).encryptAtTime('rotate me', 1_600_000_000);
    expect(sut.isCurrent(oldToken)).toBe(false);
    const rotated = sut.rotate(oldToken);
    expect(sut.isCurrent(rotated)).toBe(true);
    expect(new Fernet(newKey).decrypt(rotated).toString()).toBe('rotate me');
    expect(new Fernet(newKey).extractTimestamp(rotated)).toBe(1_600_000_000);
    expect(() => sut.rotate(new Fernet(Fernet.generateKey()).encrypt('x'))).toThrow(InvalidToken);
  });

  it('needs at least one key', () => {
    expect(() => MultiFernet.fromKeys([])).toThrow(/at least one/);
  });
});
