import { Inject, Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RedisService } from '../redis/redis.service';

/** A name's failures are forgotten this long after the last one (an account's count is kept in its row). */
const KEEP_MS = 24 * 60 * 60_000;
const MAX_NAMES = 100_000;

// One round trip, atomic: refused while locked (not counted); a lock that ran out starts the count again at one;
// the attempt that reaches the limit sets the lock. The injected clock's time decides, not Redis's, as for an
// account. KEYS: the name's hash; ARGV: now, max, lock ms, keep ms. Returns {count or -1 when locked, locked until}.
const FAIL_LUA = `
local now = tonumber(ARGV[1])
local untilMs = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if untilMs > now then return {-1, untilMs} end
local n
if untilMs > 0 then
  redis.call('HDEL', KEYS[1], 'until')
  redis.call('HSET', KEYS[1], 'n', 1)
  n = 1
else
  n = redis.call('HINCRBY', KEYS[1], 'n', 1)
end
untilMs = 0
if n >= tonumber(ARGV[2]) then untilMs = now + tonumber(ARGV[3]); redis.call('HSET', KEYS[1], 'until', untilMs) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {n, untilMs}
`;
const COMMAND = 'voicegateUnknownNameFail';
type ScriptedRedis = Redis & { [COMMAND](key: string, ...args: number[]): Promise<[number, number]> };

/** The answer to one attempt on a name: locked before it (not counted), or counted (and maybe locking now). */
export type NameAttempt = { locked: true; until: number } | { locked: false; until: number | null };

/**
 * The lockout rule for names that belong to no account, so that the lockout does not tell which accounts exist:
 * an unknown name fails, locks after LOCKOUT_MAX_ATTEMPTS and answers 423 for LOCKOUT_MINUTES exactly like an
 * account. Counted in Redis when configured (every instance together), else in this process; while Redis is
 * unreachable, in this process.
 */
@Injectable()
export class UnknownNameLockout {
  private readonly logger = new Logger('Lockout');
  private readonly local = new LRUCache<string, { n: number; until: number }>({ max: MAX_NAMES, ttl: KEEP_MS });
  private readonly client?: ScriptedRedis;
  private redisFailing = false;

  constructor(
    redis: RedisService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    if (!redis.client) return;
    if (!(COMMAND in redis.client)) redis.client.defineCommand(COMMAND, { numberOfKeys: 1, lua: FAIL_LUA });
    this.client = redis.client as ScriptedRedis;
  }

  /** One failed attempt on a name no account has (its canonical form: trimmed, lower case). */
  async fail(name: string): Promise<NameAttempt> {
    const key = createHash('sha256').update(name.trim().toLowerCase()).digest('hex').slice(0, 32);
    const now = this.clock.now();
    const { maxAttempts, minutes } = this.config.lockout;
    if (this.client) {
      try {
        const [n, until] = await this.client[COMMAND](
          `voicegate:lk:${key}`,
          now,
          maxAttempts,
          minutes * 60_000,
          KEEP_MS,
        );
        this.redisFailing = false;
        return Number(n) < 0 ? { locked: true, until: Number(until) } : { locked: false, until: Number(until) || null };
      } catch (err) {
        // Once per outage, not per attempt.
        if (!this.redisFailing)
          this.logger.warn(`Redis lockout counter failed (${(err as Error).message}); counting in this instance`);
        this.redisFailing = true;
      }
    }
    const s = this.local.get(key) ?? { n: 0, until: 0 };
    if (s.until > now) return { locked: true, until: s.until };
    const n = s.until > 0 ? 1 : s.n + 1;
    const until = n >= maxAttempts ? now + minutes * 60_000 : 0;
    this.local.set(key, { n, until });
    return { locked: false, until: until || null };
  }
}
