import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Clock } from '../common/clock';

// Hand-written on node:crypto: no maintained npm package interoperates with Python's cryptography.fernet
// (the `fernet` package is unmaintained and built on crypto-js). Spec: github.com/fernet/spec, Spec.md.

const VERSION = 0x80;
const HEADER = 1 + 8 + 16; // version || timestamp || iv
const MAC = 32;
const BLOCK = 16;
/** As Python's cryptography: with a TTL, a token dated more than this far ahead of now is refused. */
const MAX_CLOCK_SKEW_SECONDS = 60;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * A token that is malformed, tampered with, made with another key, or (with a TTL) expired. Deliberately says no more.
 */
export class InvalidToken extends Error {
  constructor() {
    super('Invalid Fernet token');
    this.name = 'InvalidToken';
  }
}

export interface DecryptOptions {
  /** Seconds a token stays valid; omitted → no expiry (Voicegate's stored keys). */
  ttl?: number;
  /** Current time in Unix seconds (default: the system clock). Only used with `ttl`. */
  now?: number;
}

interface TokenParts {
  timestamp: bigint;
  data: Buffer;
}

function decodeKey(key: string | Buffer): Buffer {
  const raw = typeof key === 'string' ? decodeUrlSafeBase64(key) : key;
  if (!raw || raw.length !== 32) throw new Error('Fernet key must be 32 url-safe base64-encoded bytes.');
  return raw;
}

/** Strict url-safe base64 with padding (what every Fernet implementation emits); undefined when malformed. */
function decodeUrlSafeBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !TOKEN_SHAPE.test(text)) return undefined;
  const buf = Buffer.from(text, 'base64url');
  // Node's decoder is lenient; re-encoding must give back the input, or the text held stray bits.
  return buf.toString('base64url') === text.replace(/=+$/, '') ? buf : undefined;
}

/** url-safe base64 keeping the padding, as Python's `base64.urlsafe_b64encode` (Node's 'base64url' drops it). */
function toUrlSafeBase64(buf: Buffer): string {
  return buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Parses a token without checking it; throws InvalidToken when it cannot even be a Fernet token. */
function parse(token: string): TokenParts {
  if (typeof token !== 'string') throw new InvalidToken();
  const data = decodeUrlSafeBase64(token);
  if (!data || data.length < HEADER + BLOCK + MAC || data[0] !== VERSION || (data.length - HEADER - MAC) % BLOCK !== 0)
    throw new InvalidToken();
  return { timestamp: data.readBigUInt64BE(1), data };
}

export class Fernet {
  private readonly signingKey: Buffer;
  private readonly encryptionKey: Buffer;

  /** `clock`: the time tokens are stamped with and checked against (the application's injected Clock). */
  constructor(
    key: string | Buffer,
    private readonly clock: Pick<Clock, 'now'> = new Clock(),
  ) {
    const raw = decodeKey(key);
    this.signingKey = Buffer.from(raw.subarray(0, 16));
    this.encryptionKey = Buffer.from(raw.subarray(16, 32));
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** A new random key in the form Python's `Fernet.generate_key()` gives (44 characters). */
  static generateKey(): string {
    return randomBytes(32).toString('base64url') + '=';
  }

  encrypt(data: string | Buffer): string {
    return this.encryptAtTime(data, this.nowSeconds());
  }

  /** Encrypts with a fixed time (Unix seconds) and optionally a fixed IV: for the spec's vectors and for rotation. */
  encryptAtTime(data: string | Buffer, currentTime: number | bigint, iv: Buffer = randomBytes(16)): string {
    if (iv.length !== 16) throw new Error('Fernet IV must be 16 bytes');
    const plaintext = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const cipher = createCipheriv('aes-128-cbc', this.encryptionKey, iv); // PKCS7 padding is the default
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const header = Buffer.alloc(9);
    header[0] = VERSION;
    header.writeBigUInt64BE(BigInt(currentTime), 1);
    const signed = Buffer.concat([header, iv, ciphertext]);
    const mac = createHmac('sha256', this.signingKey).update(signed).digest();
    return toUrlSafeBase64(Buffer.concat([signed, mac]));
  }

  /** The plaintext; throws InvalidToken for anything but an intact token made with this key (and within `ttl`). */
  decrypt(token: string, opts: DecryptOptions = {}): Buffer {
    const plaintext = this.tryDecrypt(parse(token), opts);
    if (!plaintext) throw new InvalidToken();
    return plaintext;
  }

  /** The token's creation time in Unix seconds, after checking it was made with this key. */
  extractTimestamp(token: string): number {
    const parts = parse(token);
    if (!this.authenticates(parts)) throw new InvalidToken();
    return Number(parts.timestamp);
  }

  /** @internal True when this key's HMAC over the token matches (compared in constant time). */
  authenticates({ data }: TokenParts): boolean {
    const expected = createHmac('sha256', this.signingKey)
      .update(data.subarray(0, data.length - MAC))
      .digest();
    return timingSafeEqual(expected, data.subarray(data.length - MAC));
  }

  /**
   * @internal The plaintext, or undefined for a token this key did not make, that was altered or (with `ttl`)
   * is out of time. Returns rather than throws so MultiFernet tries several keys without paying for exceptions.
   */
  tryDecrypt(parts: TokenParts, opts: DecryptOptions = {}): Buffer | undefined {
    if (opts.ttl !== undefined) {
      const now = BigInt(Math.floor(opts.now ?? this.nowSeconds()));
      if (parts.timestamp + BigInt(opts.ttl) < now || now + BigInt(MAX_CLOCK_SKEW_SECONDS) < parts.timestamp)
        return undefined;
    }
    if (!this.authenticates(parts)) return undefined;
    // Authenticated first, so a padding failure below is no oracle.
    const { data } = parts;
    try {
      const decipher = createDecipheriv('aes-128-cbc', this.encryptionKey, data.subarray(9, HEADER));
      return Buffer.concat([decipher.update(data.subarray(HEADER, data.length - MAC)), decipher.final()]);
    } catch {
      return undefined;
    }
  }
}

/** Several keys: the first encrypts, every one decrypts (Python's `MultiFernet`). */
export class MultiFernet {
  private readonly fernets: readonly Fernet[];

  constructor(fernets: Fernet[]) {
    if (fernets.length === 0) throw new Error('MultiFernet requires at least one Fernet instance');
    this.fernets = [...fernets];
  }

  /** From keys as in `ENCRYPTION_KEY` (first encrypts). */
  static fromKeys(keys: readonly (string | Buffer)[], clock?: Pick<Clock, 'now'>): MultiFernet {
    return new MultiFernet(keys.map((k) => new Fernet(k, clock)));
  }

  get primary(): Fernet {
    return this.fernets[0];
  }

  encrypt(data: string | Buffer): string {
    return this.primary.encrypt(data);
  }

  decrypt(token: string, opts: DecryptOptions = {}): Buffer {
    return this.decryptWithAny(parse(token), opts);
  }

  /** True when the token is intact and was made with the first key (nothing to rotate). */
  isCurrent(token: string): boolean {
    try {
      return this.primary.authenticates(parse(token));
    } catch {
      return false; // malformed
    }
  }

  /**
   * Re-encrypts a token made with any of the keys under the first one, keeping its timestamp (as Python's `rotate`).
   */
  rotate(token: string): string {
    const parts = parse(token);
    const plaintext = this.decryptWithAny(parts);
    return this.primary.encryptAtTime(plaintext, parts.timestamp);
  }

  private decryptWithAny(parts: TokenParts, opts: DecryptOptions = {}): Buffer {
    for (const f of this.fernets) {
      const plaintext = f.tryDecrypt(parts, opts);
      if (plaintext) return plaintext;
    }
    throw new InvalidToken();
  }
}
