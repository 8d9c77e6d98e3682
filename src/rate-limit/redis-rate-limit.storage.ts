import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { Clock } from '../common/clock';
import { fixedWindowRecord, MemoryRateLimitStorage, RateLimitRecord } from './memory-rate-limit.storage';

// One round trip, atomic: count the hit, start the window on the first hit (or repair a key that lost its TTL).
const INCREMENT_LUA = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {hits, ttl}
`;

const COMMAND = 'voicegateRateLimitIncrement';
/** After a failed command, Redis is not tried again for this long (so an outage costs no per-request timeout). */
const RETRY_AFTER_MS = 1000;

type ScriptedRedis = Redis & { [COMMAND](key: string, ttlMs: number): Promise<[number, number]> };

/**
 * Counters shared by every instance through Redis. Hand-written because @nest-lab/throttler-storage-redis
 * does not accept Nest 12 in its peer range. Fails open: while Redis is unreachable, hits are counted by
 * the in-process fallback (one instance's view) and the outage is logged once, not per request.
 */
export class RedisRateLimitStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private readonly client: ScriptedRedis;
  private down = false;
  private retryAt = 0;

  constructor(
    client: Redis,
    private readonly fallback: MemoryRateLimitStorage,
    private readonly clock: Clock,
    private readonly prefix = 'voicegate:rl:',
  ) {
    if (!(COMMAND in client)) client.defineCommand(COMMAND, { numberOfKeys: 1, lua: INCREMENT_LUA }); // EVALSHA, EVAL on NOSCRIPT
    this.client = client as ScriptedRedis;
  }

  /** True while Redis failed and the in-process fallback is counting. */
  get degraded(): boolean {
    return this.down;
  }

  /** ThrottlerStorage: `ttl` in ms; `blockDuration` is not used (fixed windows, as in memory). */
  async increment(key: string, ttl: number, limit: number, _blockDuration?: number, _throttlerName?: string): Promise<RateLimitRecord> {
    if (this.down && this.clock.now() < this.retryAt) return this.fallback.hit(key, ttl, limit);
    try {
      const [hits, pttl] = await this.client[COMMAND](this.prefix + key, Math.max(1, Math.round(ttl)));
      if (this.down) {
        this.down = false;
        this.logger.log('Redis is reachable again: rate-limit counters are shared again');
      }
      return fixedWindowRecord(Number(hits), Number(pttl), limit, this.clock.now());
    } catch (err) {
      if (!this.down) this.logger.warn(`Redis rate-limit counter failed (${(err as Error).message}); counting in this instance until Redis returns`);
      this.down = true;
      this.retryAt = this.clock.now() + RETRY_AFTER_MS;
      return this.fallback.hit(key, ttl, limit);
    }
  }
}
