import { ThrottlerStorage } from '@nestjs/throttler';
import { LRUCache } from 'lru-cache';
import { Clock } from '../common/clock';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>; // not exported by the package index

/** Throttler's record plus when the window resets, in the app clock's epoch ms (precise X-RateLimit-Reset). */
export interface RateLimitRecord extends ThrottlerStorageRecord {
  resetAtMs: number;
}

/**
 * Fixed-window semantics shared by both storages: every hit counts, a hit beyond `limit` is blocked until the window
 * resets.
 */
export function fixedWindowRecord(hits: number, msToExpire: number, limit: number, now: number): RateLimitRecord {
  const seconds = Math.max(1, Math.ceil(msToExpire / 1000));
  const isBlocked = hits > limit;
  return {
    totalHits: hits,
    timeToExpire: seconds,
    isBlocked,
    timeToBlockExpire: isBlocked ? seconds : 0,
    resetAtMs: now + msToExpire,
  };
}

/** One of a request's windows, as counted by the Redis storage's MultiWindowStorage (and this one's hitWindows). */
export interface WindowHit {
  key: string;
  ttlMs: number;
  limit: number;
}

/**
 * In-process fixed-window counters on the injected Clock (tests move windows with `clock.advance`).
 * Throttler's own ThrottlerStorageService reads Date.now() and keeps one timestamp per hit (50 000 for an
 * admin's day window), so this one keeps a counter per key instead; the LRU bounds memory against IP churn.
 */
export class MemoryRateLimitStorage implements ThrottlerStorage {
  private readonly counters = new LRUCache<string, { hits: number; expiresAt: number }>({ max: 200_000 });

  constructor(private readonly clock: Clock) {}

  /** ThrottlerStorage: `ttl` in ms; `blockDuration` is not used (a blocked identity waits for its window to reset). */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration?: number,
    _throttlerName?: string,
  ): Promise<RateLimitRecord> {
    return this.hit(key, ttl, limit);
  }

  /**
   * MultiWindowStorage's semantics, synchronously (the Redis storage's fallback). The guard itself counts memory
   * windows one by one: batching saves no round trip here, so it would only add work.
   */
  hitWindows(hits: readonly WindowHit[]): RateLimitRecord[] {
    const records: RateLimitRecord[] = [];
    for (const h of hits) {
      const record = this.hit(h.key, h.ttlMs, h.limit);
      records.push(record);
      if (record.isBlocked) break;
    }
    return records;
  }

  hit(key: string, ttlMs: number, limit: number): RateLimitRecord {
    const now = this.clock.now();
    let c = this.counters.get(key);
    if (!c || c.expiresAt <= now) {
      c = { hits: 0, expiresAt: now + ttlMs };
      this.counters.set(key, c);
    }
    c.hits += 1;
    return fixedWindowRecord(c.hits, c.expiresAt - now, limit, now);
  }
}
