import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { Clock } from '../common/clock';
import { fixedWindowRecord, MemoryRateLimitStorage, RateLimitRecord, WindowHit } from './memory-rate-limit.storage';

// One round trip, atomic: count the hit, start the window on the first hit (or repair a key that lost its TTL).
const INCREMENT_LUA = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {hits, ttl}
`;

// All of a request's windows in one round trip, shortest first; stops after the first window over its limit
// (a refused hit is not counted in the longer windows). KEYS: the windows' keys; ARGV: ttl ms, limit per key.
// One Redis (or keys that share a hash slot): a script's keys must live on one node.
const INCREMENT_WINDOWS_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local ttl = tonumber(ARGV[2 * i - 1])
  local hits = redis.call('INCR', key)
  if hits == 1 then redis.call('PEXPIRE', key, ttl) end
  local left = redis.call('PTTL', key)
  if left < 0 then redis.call('PEXPIRE', key, ttl); left = ttl end
  out[#out + 1] = hits
  out[#out + 1] = left
  if hits > tonumber(ARGV[2 * i]) then break end
end
return out
`;

const COMMAND = 'voicegateRateLimitIncrement';
const WINDOWS_COMMAND = 'voicegateRateLimitIncrementWindows';
/** After a failed command, Redis is not tried again for this long (so an outage costs no per-request timeout). */
const RETRY_AFTER_MS = 1000;

/**
 * A storage that counts all of a request's windows in one call (with Redis: one round trip instead of one per
 * window). Windows come shortest first, and a hit refused by one window is not counted in the later ones, so the
 * records end with the first blocked window.
 */
export interface MultiWindowStorage {
  incrementWindows(hits: readonly WindowHit[]): Promise<RateLimitRecord[]>;
}

export const isMultiWindowStorage = (s: object): s is MultiWindowStorage =>
  typeof (s as Partial<MultiWindowStorage>).incrementWindows === 'function';

type ScriptedRedis = Redis & {
  [COMMAND](key: string, ttlMs: number): Promise<[number, number]>;
  [WINDOWS_COMMAND](numberOfKeys: number, ...keysThenArgs: (string | number)[]): Promise<number[]>;
};

/**
 * Counters shared by every instance through Redis. Hand-written because @nest-lab/throttler-storage-redis
 * does not accept Nest 12 in its peer range. Fails open: while Redis is unreachable, hits are counted by
 * the in-process fallback (one instance's view) and the outage is logged once, not per request.
 */
export class RedisRateLimitStorage implements ThrottlerStorage, MultiWindowStorage {
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
    // EVALSHA, EVAL on NOSCRIPT
    if (!(COMMAND in client)) client.defineCommand(COMMAND, { numberOfKeys: 1, lua: INCREMENT_LUA });
    // key count per call
    if (!(WINDOWS_COMMAND in client)) client.defineCommand(WINDOWS_COMMAND, { lua: INCREMENT_WINDOWS_LUA });
    this.client = client as ScriptedRedis;
  }

  /** True while Redis failed and the in-process fallback is counting. */
  get degraded(): boolean {
    return this.down;
  }

  /** ThrottlerStorage: `ttl` in ms; `blockDuration` is not used (fixed windows, as in memory). */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration?: number,
    _throttlerName?: string,
  ): Promise<RateLimitRecord> {
    if (this.backingOff()) return this.fallback.hit(key, ttl, limit);
    try {
      const [hits, pttl] = await this.client[COMMAND](this.prefix + key, Math.max(1, Math.round(ttl)));
      this.reachable();
      return fixedWindowRecord(Number(hits), Number(pttl), limit, this.clock.now());
    } catch (err) {
      this.failed(err as Error);
      return this.fallback.hit(key, ttl, limit);
    }
  }

  /** All of a request's windows in one EVALSHA (see {@link MultiWindowStorage}). */
  async incrementWindows(hits: readonly WindowHit[]): Promise<RateLimitRecord[]> {
    if (this.backingOff()) return this.fallback.hitWindows(hits);
    try {
      const flat = await this.client[WINDOWS_COMMAND](
        hits.length,
        ...hits.map((h) => this.prefix + h.key),
        ...hits.flatMap((h) => [Math.max(1, Math.round(h.ttlMs)), h.limit]),
      );
      this.reachable();
      const now = this.clock.now();
      const records: RateLimitRecord[] = [];
      for (let i = 0; i < flat.length; i += 2)
        records.push(fixedWindowRecord(Number(flat[i]), Number(flat[i + 1]), hits[i / 2].limit, now));
      return records;
    } catch (err) {
      this.failed(err as Error);
      return this.fallback.hitWindows(hits);
    }
  }

  private backingOff(): boolean {
    return this.down && this.clock.now() < this.retryAt;
  }

  private reachable(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log('Redis is reachable again: rate-limit counters are shared again');
  }

  private failed(err: Error): void {
    if (!this.down)
      this.logger.warn(
        `Redis rate-limit counter failed (${err.message}); counting in this instance until Redis returns`,
      );
    this.down = true;
    this.retryAt = this.clock.now() + RETRY_AFTER_MS;
  }
}
