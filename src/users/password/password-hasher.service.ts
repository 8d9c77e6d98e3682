import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Piscina from 'piscina';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

const BCRYPT_MAX_BYTES = 72;

/**
 * bcryptjs in a worker pool. Passwords over bcrypt's 72-byte limit are pre-hashed (HMAC-SHA256, base64),
 * so nothing is truncated silently; shorter ones are hashed as-is, so hashes from passlib/bcrypt verify.
 */
@Injectable()
export class PasswordHasher implements OnApplicationShutdown {
  private readonly pool: Piscina;
  private dummyHash?: Promise<string>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.pool = new Piscina({
      filename: join(__dirname, 'bcrypt.worker.js'),
      minThreads: 1,
      maxThreads: Math.max(1, availableParallelism()),
      idleTimeout: 60_000,
    });
  }

  static prepare(password: string): string {
    if (Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_BYTES) return password;
    return createHmac('sha256', 'voicegate-bcrypt-prehash').update(password, 'utf8').digest('base64');
  }

  hash(password: string): Promise<string> {
    return this.pool.run({ op: 'hash', password: PasswordHasher.prepare(password), rounds: this.config.bcryptRounds });
  }

  async verify(password: string, hash: string): Promise<boolean> {
    if (!/^\$2[abxy]\$\d\d\$/.test(hash)) return false;
    return this.pool.run({ op: 'compare', password: PasswordHasher.prepare(password), hash });
  }

  /** Spends the same time as a real check, for unknown users (no user enumeration by timing). */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash('voicegate-dummy-password-for-timing');
    await this.verify(password, await this.dummyHash);
    return false;
  }

  /** True when the stored hash was made with a different cost than configured (rehash on login). */
  needsRehash(hash: string): boolean {
    const m = /^\$2[abxy]\$(\d\d)\$/.exec(hash);
    return !m || Number(m[1]) !== this.config.bcryptRounds;
  }

  // After the HTTP server has drained (onModuleDestroy runs before it closes): in-flight logins still need the pool.
  async onApplicationShutdown(): Promise<void> {
    await this.pool.destroy();
  }
}
