import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import Piscina from 'piscina';
import { AppError, ErrorCode } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

const BCRYPT_MAX_BYTES = 72;

/**
 * bcryptjs in a worker pool. Passwords over bcrypt's 72-byte limit are pre-hashed (HMAC-SHA256, base64),
 * so nothing is truncated silently; shorter ones are hashed as-is, so hashes from passlib/bcrypt verify.
 * The pool leaves a core to the event loop, and password work in progress (running and queued) is capped for the
 * whole instance: past the cap a request is refused at once with 503 and Retry-After instead of waiting in line.
 */
@Injectable()
export class PasswordHasher implements OnApplicationShutdown {
  private readonly pool: Piscina;
  private dummyHash?: Promise<string>;
  private pending = 0;
  /** Moving average of the time an operation spends here, waiting included (ms): the Retry-After. */
  private averageMs = 250;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.pool = new Piscina({
      filename: join(__dirname, 'bcrypt.worker.js'),
      minThreads: 1,
      maxThreads: config.passwordHashing.threads,
      idleTimeout: 60_000,
    });
  }

  static prepare(password: string): string {
    if (Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_BYTES) return password;
    return createHmac('sha256', 'voicegate-bcrypt-prehash').update(password, 'utf8').digest('base64');
  }

  hash(password: string): Promise<string> {
    return this.run({ op: 'hash', password: PasswordHasher.prepare(password), rounds: this.config.bcryptRounds });
  }

  async verify(password: string, hash: string): Promise<boolean> {
    if (!/^\$2[abxy]\$\d\d\$/.test(hash)) return false;
    return this.run({ op: 'compare', password: PasswordHasher.prepare(password), hash });
  }

  /** Spends the same time as a real check, for unknown users (no user enumeration by timing). */
  async verifyDummy(password: string): Promise<false> {
    this.assertCapacity();
    this.dummyHash ??= this.hash('voicegate-dummy-password-for-timing');
    await this.verify(password, await this.dummyHash);
    return false;
  }

  /** True when the stored hash was made with a different cost than configured (rehash on login). */
  needsRehash(hash: string): boolean {
    const m = /^\$2[abxy]\$(\d\d)\$/.exec(hash);
    return !m || Number(m[1]) !== this.config.bcryptRounds;
  }

  /** Throws the 503 a password operation would get now; for callers that must not spend anything before it. */
  assertCapacity(): void {
    if (this.pending < this.config.passwordHashing.maxPending) return;
    const seconds = Math.max(1, Math.ceil(this.averageMs / 1000));
    throw new AppError(ErrorCode.ServiceUnavailable, 'Too many password checks in progress; try again shortly', {
      headers: { 'retry-after': String(seconds) },
    });
  }

  private async run<T>(task: Record<string, unknown>): Promise<T> {
    this.assertCapacity();
    this.pending++;
    const started = performance.now();
    try {
      return (await this.pool.run(task)) as T;
    } finally {
      this.pending--;
      this.averageMs = this.averageMs * 0.9 + (performance.now() - started) * 0.1;
    }
  }

  // After the HTTP server has drained (onModuleDestroy runs before it closes): in-flight logins still need the pool.
  async onApplicationShutdown(): Promise<void> {
    await this.pool.destroy();
  }
}
