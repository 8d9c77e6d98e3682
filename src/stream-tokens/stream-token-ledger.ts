import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { RedisService } from '../redis/redis.service';

const PREFIX = 'voicegate:stream-token:';

/**
 * Which stream tokens have been used: one atomic claim per token, shared by every instance through Redis when
 * configured (SET NX), in this process's memory otherwise. An entry lives as long as the token could still verify.
 */
@Injectable()
export class StreamTokenLedger {
  private readonly local = new LRUCache<string, true>({ max: 1_000_000, ttlAutopurge: false });

  constructor(
    private readonly redis: RedisService,
    private readonly clock: Clock,
  ) {}

  /** True for the first claim of `jti`, false for every later one. Redis unreachable → 503, nothing spent. */
  async claim(jti: string, expiresAtMs: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(expiresAtMs - this.clock.now()) + 60_000); // outlives the clock skew allowed
    if (this.redis.client) {
      try {
        return (await this.redis.client.set(PREFIX + jti, '1', 'PX', ttl, 'NX')) === 'OK';
      } catch {
        throw this.unavailable();
      }
    }
    if (this.local.has(jti)) return false;
    this.local.set(jti, true, { ttl });
    return true;
  }

  async isSpent(jti: string): Promise<boolean> {
    if (this.redis.client) {
      try {
        return (await this.redis.client.exists(PREFIX + jti)) === 1;
      } catch {
        throw this.unavailable();
      }
    }
    return this.local.has(jti);
  }

  private unavailable(): AppError {
    return new AppError(ErrorCode.ServiceUnavailable, 'Stream tokens cannot be checked right now; try again');
  }
}
