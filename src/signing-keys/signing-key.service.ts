import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { calculateJwkThumbprint, JWK, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import { createPrivateKey, createPublicKey, createSecretKey, KeyObject, randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { AppConfig, AsymmetricAlgorithm, isAsymmetric } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { uniqueViolation } from '../database/db-errors';
import { Outcome } from '../database/atomic-writes';
import { UnitOfWork } from '../database/unit-of-work';
import { RedisService } from '../redis/redis.service';
import { MultiFernet } from '../service-keys/fernet';
import { SigningKey, SigningKeyState } from './entities/signing-key.entity';
import { ASYMMETRIC_ALGORITHMS, generateSigningKeyPair, signCompact } from './jws';
import { JwkDto, JwksResponseDto } from './dto/jwks-response.dto';

/** Every instance re-reads the key table this often, so a rotation made elsewhere (the CLI) is seen within a minute. */
export const SIGNING_KEYS_REFRESH_MS = 30_000;
/**
 * A retired key keeps verifying this long after the longest token lifetime: an instance that has not yet re-read the
 * table may still sign with it for up to one refresh interval, and instances' clocks may differ by a minute.
 */
export const RETIREMENT_MARGIN_MS = 5 * 60_000;
/** An unknown `kid` makes the instance re-read the table (a key created moments ago elsewhere), at most this often. */
const MISS_RELOAD_INTERVAL_MS = 5_000;
/** How far in the future a token's `iat` may lie (clock skew between instances). */
const MAX_CLOCK_SKEW_SECONDS = 60;
const CHANNEL = 'voicegate:signing-keys';

export interface PublishedKey {
  kid: string;
  alg: AsymmetricAlgorithm;
  state: SigningKeyState;
  publicKey: KeyObject;
  jwk: JwkDto;
  /** Epoch ms after which a retired key is neither published nor accepted. */
  expiresAt: number | null;
  activatedAt: number | null;
}

export interface RotationOutcome {
  retired: string | null;
  current: string;
  next: string;
}

/** What issuing and checking tokens needs; the algorithm and its keys stay behind it. */
export interface TokenSigner {
  readonly asymmetric: boolean;
  sign(claims: object): string;
  /** Signature (pinned algorithm, key by `kid`), issuer, expiry and `iat`; throws on anything else. */
  verify(token: string): Promise<JWTPayload>;
}

const isMissingTable = (err: unknown) =>
  err instanceof QueryFailedError && /no such table|does not exist/i.test(String(err.message));

/**
 * The signing keys of the asymmetric algorithms (EdDSA, ES256, RS256) and token signing/verification for every
 * algorithm. Keys live in the database (private halves encrypted with ENCRYPTION_KEY) and in memory here: verifying
 * a token makes no database round trip. The table is re-read periodically, on a Redis message after a rotation,
 * and when a token names an unknown `kid`.
 */
@Injectable()
export class SigningKeyService implements TokenSigner, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SigningKeys');
  readonly asymmetric: boolean;
  private readonly hmacKey: KeyObject;
  private readonly cipher: MultiFernet;
  private keys = new Map<string, PublishedKey>();
  private signing?: { kid: string; alg: AsymmetricAlgorithm; privateKey: KeyObject };
  private timer?: NodeJS.Timeout;
  private lastMissReload = 0;
  private loading?: Promise<void>;
  private reloadFailing = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly redis: RedisService,
    private readonly unitOfWork: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.asymmetric = isAsymmetric(config.jwt.algorithm);
    this.hmacKey = createSecretKey(Buffer.from(config.jwt.secret, 'utf8'));
    this.cipher = MultiFernet.fromKeys(config.encryptionKeys);
  }

  async onModuleInit(): Promise<void> {
    if (!this.asymmetric) return;
    await this.redis.subscribe(CHANNEL, () => void this.reload().catch((e) => this.noteReloadFailure(e)));
    this.redis.onReconnect(() => void this.reload().catch((e) => this.noteReloadFailure(e)));
    try {
      await this.ensureKeys();
    } catch (err) {
      // The CLI starts the application before it applies migrations; the table appears moments later.
      if (!isMissingTable(err)) throw err;
    }
    this.timer = setInterval(() => void this.tick(), SIGNING_KEYS_REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private get algorithm(): AsymmetricAlgorithm {
    return this.config.jwt.algorithm as AsymmetricAlgorithm;
  }

  /** The longest a token signed now can live: a retired key verifies this long (plus the margin). */
  private get longestTokenMs(): number {
    return Math.max(this.config.jwt.accessTtlSeconds, this.config.jwt.refreshTtlSeconds) * 1000;
  }

  sign(claims: object): string {
    if (!this.asymmetric) return signCompact(this.config.jwt.algorithm, this.hmacKey, claims);
    const s = this.signing;
    if (!s) throw new AppError(ErrorCode.ServiceUnavailable, 'No token signing key is available yet');
    return signCompact(s.alg, s.privateKey, claims, s.kid);
  }

  async verify(token: string): Promise<JWTPayload> {
    const options = { issuer: this.config.jwt.issuer, currentDate: this.clock.date() };
    const { payload } = this.asymmetric
      ? await jwtVerify(token, this.resolveKey, { ...options, algorithms: [...ASYMMETRIC_ALGORITHMS] })
      : await jwtVerify(token, this.hmacKey, { ...options, algorithms: [this.config.jwt.algorithm] });
    if (typeof payload.iat !== 'number' || payload.iat > this.clock.now() / 1000 + MAX_CLOCK_SKEW_SECONDS)
      throw new Error('iat missing or in the future');
    return payload;
  }

  /** The key a token names: published, not expired, and of the algorithm its header claims (per-key pinning). */
  private readonly resolveKey: JWTVerifyGetKey = async (header) => {
    if (typeof header.kid !== 'string') throw new Error('kid missing');
    let key = this.lookup(header.kid);
    if (!key && this.clock.now() - this.lastMissReload >= MISS_RELOAD_INTERVAL_MS) {
      this.lastMissReload = this.clock.now();
      await this.reload();
      key = this.lookup(header.kid);
    }
    if (!key || key.alg !== header.alg) throw new Error('unknown kid');
    return key.publicKey;
  };

  private lookup(kid: string): PublishedKey | undefined {
    const key = this.keys.get(kid);
    return key && (key.expiresAt === null || key.expiresAt > this.clock.now()) ? key : undefined;
  }

  /** The public keys verifiers should hold: current, next, then retired ones not yet expired. Empty under HS*. */
  jwks(): JwksResponseDto {
    const order: Record<SigningKeyState, number> = { current: 0, next: 1, retired: 2 };
    const live = [...this.keys.values()].filter((k) => this.lookup(k.kid));
    live.sort((a, b) => order[a.state] - order[b.state] || (b.activatedAt ?? 0) - (a.activatedAt ?? 0));
    return { keys: live.map((k) => k.jwk) };
  }

  /** Published keys with their state (for the CLI and tests). */
  published(): PublishedKey[] {
    return [...this.keys.values()].filter((k) => this.lookup(k.kid));
  }

  get currentKid(): string | undefined {
    return this.signing?.kid;
  }

  /** Re-reads the table; decrypts the current private key when it changed. */
  reload(): Promise<void> {
    // Concurrent callers share one read.
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    const rows = await this.dataSource.getRepository(SigningKey).find();
    const keys = new Map<string, PublishedKey>();
    let current: SigningKey | undefined;
    for (const row of rows) {
      if (!ASYMMETRIC_ALGORITHMS.includes(row.algorithm as AsymmetricAlgorithm)) continue;
      const jwk = JSON.parse(row.publicJwk) as JWK;
      keys.set(row.kid, {
        kid: row.kid,
        alg: row.algorithm as AsymmetricAlgorithm,
        state: row.state,
        publicKey: createPublicKey({ key: jwk, format: 'jwk' }),
        // A public key exported as JWK always has kty (and its key type's own members).
        jwk: { ...jwk, kty: jwk.kty as string, kid: row.kid, alg: row.algorithm, use: 'sig' },
        expiresAt: row.expiresAt ? new Date(row.expiresAt).getTime() : null,
        activatedAt: row.activatedAt ? new Date(row.activatedAt).getTime() : null,
      });
      if (row.slot === 'current') current = row;
    }
    if (current && current.kid !== this.signing?.kid) {
      if (!current.encryptedPrivateKey) throw new Error(`signing key ${current.kid} has no private key`);
      let der: Buffer;
      try {
        der = this.cipher.decrypt(current.encryptedPrivateKey);
      } catch {
        throw new Error(
          `signing key ${current.kid} cannot be decrypted with ENCRYPTION_KEY: keep the key that encrypted it in the list`,
        );
      }
      this.signing = {
        kid: current.kid,
        alg: current.algorithm as AsymmetricAlgorithm,
        privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
      };
    }
    this.keys = keys;
    if (this.reloadFailing) this.logger.log('Signing keys re-read');
    this.reloadFailing = false;
  }

  private noteReloadFailure(err: unknown): void {
    if (!this.reloadFailing) this.logger.warn(`Signing keys could not be re-read: ${(err as Error).message}`);
    this.reloadFailing = true;
  }

  /** Periodic: re-read, then rotate when the current key is older than SIGNING_KEY_ROTATION_DAYS. */
  async tick(): Promise<void> {
    try {
      await this.reload();
      const current = this.signing && this.keys.get(this.signing.kid);
      const every = this.config.jwt.keyRotationSeconds * 1000;
      if (every > 0 && current?.activatedAt !== null && current && current.activatedAt! + every <= this.clock.now()) {
        const outcome = await this.rotate({ ifCurrent: current.kid });
        if (outcome) this.logger.log(`Signing key rotated automatically: ${outcome.retired} → ${outcome.current}`);
      }
    } catch (err) {
      this.noteReloadFailure(err);
    }
  }

  /** Creates the current and next keys when missing (first start under an asymmetric ALGORITHM). */
  async ensureKeys(): Promise<void> {
    await this.reload();
    const has = (slot: 'current' | 'next') =>
      [...this.keys.values()].some((k) => k.state === slot && (slot === 'current' || k.alg === this.algorithm));
    if (has('current') && has('next')) return;
    const [forCurrent, forNext] = [await this.newKey(), await this.newKey()];
    const algorithm = this.algorithm;
    const now = this.clock.date();
    try {
      await this.unitOfWork.run(function* (unit) {
        const live = yield* unit.read<LiveRow>({ sql: LIVE_ROWS, params: {} });
        const current = live.find((k) => k.slot === 'current');
        const next = live.find((k) => k.slot === 'next');
        // A next key of another algorithm (ALGORITHM changed) never signed anything: replaced.
        if (next && next.algorithm !== algorithm) yield* unit.write({ sql: DELETE_NEXT, params: { id: next.id } });
        if (!current) yield* unit.write(insertStatement(forCurrent, 'current', now));
        if (!next || next.algorithm !== algorithm) yield* unit.write(insertStatement(forNext, 'next', now));
      });
    } catch (err) {
      if (!uniqueViolation(err)) throw err; // another instance created them at the same moment
    }
    await this.reload();
    await this.redis.publish(CHANNEL, 'changed');
  }

  /**
   * next → current, current → retired (published until every token it signed has expired; its private half is
   * erased), and a new next. One unit of compare-and-swap statements: of concurrent rotations (instances' automatic
   * ones, the CLI) each takes effect whole or not at all; with `ifCurrent`, only while that key is current.
   */
  async rotate(opts: { ifCurrent?: string } = {}): Promise<RotationOutcome | null> {
    if (!this.asymmetric)
      throw new AppError(ErrorCode.Conflict, `ALGORITHM is ${this.config.jwt.algorithm}: there is no signing key`);
    const [spare, created] = [await this.newKey(), await this.newKey()];
    const algorithm = this.algorithm;
    const now = this.clock.date();
    const expiresAt = new Date(now.getTime() + this.longestTokenMs + RETIREMENT_MARGIN_MS);
    const outcome = await this.unitOfWork.run(function* (unit): Generator<
      [string, unknown[]],
      RotationOutcome | null,
      Outcome
    > {
      const live = yield* unit.read<LiveRow>({ sql: LIVE_ROWS, params: {} });
      const current = live.find((k) => k.slot === 'current');
      const next = live.find((k) => k.slot === 'next');
      if (opts.ifCurrent !== undefined && current?.kid !== opts.ifCurrent) return null;
      if (current) {
        const retired = yield* unit.write({ sql: RETIRE, params: { id: current.id, now, expiresAt } });
        if (retired !== 1) return null; // another rotation retired it first
      }
      let promoted: string;
      if (next && next.algorithm === algorithm) {
        if ((yield* unit.write({ sql: PROMOTE, params: { id: next.id, now } })) !== 1)
          throw new Error('the next signing key changed during the rotation');
        promoted = next.kid;
      } else {
        if (next) yield* unit.write({ sql: DELETE_NEXT, params: { id: next.id } });
        yield* unit.write(insertStatement(spare, 'current', now));
        promoted = spare.kid;
      }
      yield* unit.write(insertStatement(created, 'next', now));
      const outcome = { retired: current?.kid ?? null, current: promoted, next: created.kid };
      yield* unit.publish({ name: 'signing_key.rotated', payload: { ...outcome } });
      return outcome;
    });
    if (!outcome) return null;
    await this.reload();
    await this.redis.publish(CHANNEL, 'changed');
    return outcome;
  }

  /** A new key pair of the configured algorithm, its private half already encrypted. */
  private async newKey(): Promise<NewKey> {
    const { privateKey, publicKey } = generateSigningKeyPair(this.algorithm);
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    return {
      id: randomUUID(),
      kid: await calculateJwkThumbprint(jwk, 'sha256'),
      algorithm: this.algorithm,
      publicJwk: JSON.stringify(jwk),
      encryptedPrivateKey: this.cipher.encrypt(privateKey.export({ format: 'der', type: 'pkcs8' })),
    };
  }
}

interface LiveRow {
  id: string;
  kid: string;
  algorithm: string;
  slot: 'current' | 'next';
}

interface NewKey {
  id: string;
  kid: string;
  algorithm: string;
  publicJwk: string;
  encryptedPrivateKey: string;
}

const LIVE_ROWS = `SELECT id, kid, algorithm, slot FROM signing_keys WHERE slot IN ('current', 'next')`;
const DELETE_NEXT = `DELETE FROM signing_keys WHERE id = :id AND slot = 'next'`;
const RETIRE = `UPDATE signing_keys SET state = 'retired', slot = NULL, retired_at = :now, expires_at = :expiresAt,
  encrypted_private_key = NULL WHERE id = :id AND slot = 'current'`;
const PROMOTE = `UPDATE signing_keys SET state = 'current', slot = 'current', activated_at = :now
  WHERE id = :id AND slot = 'next'`;

const insertStatement = (key: NewKey, slot: 'current' | 'next', now: Date) => ({
  sql: `INSERT INTO signing_keys (id, kid, algorithm, state, slot, public_jwk, encrypted_private_key, created_at,
    activated_at) VALUES (:id, :kid, :algorithm, :slot, :slot, :publicJwk, :encryptedPrivateKey, :now, :activatedAt)`,
  params: { ...key, slot, now, activatedAt: slot === 'current' ? now : null },
});
