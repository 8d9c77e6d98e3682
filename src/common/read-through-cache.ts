import { LRUCache } from 'lru-cache';

/** An entry's life is drawn between this share of the TTL and all of it. */
const SHORTEST_LIFE = 0.8;

/**
 * An LRU cache of database reads that invalidations may race. A read that was under way when its key was
 * invalidated is not stored when it finishes: it may hold the row as it was before the change, and storing it
 * would undo the invalidation until the entry expires. With a TTL, each entry lives a random 80–100 % of it, so
 * entries read together (every caller at start) are not read again together: one database read per expiry instead
 * of a burst that holds the event loop (SQLite reads are synchronous).
 */
export class ReadThroughCache<V extends object> {
  private readonly cache: LRUCache<string, V>;
  /** Reads under way, per key; each marks itself stale when its key (or everything) is invalidated meanwhile. */
  private readonly reading = new Map<string, Set<{ stale: boolean }>>();
  private readonly ttl: number;
  /** When each cached value was stored, in stores since start (see `update`). */
  private readonly storedAt = new WeakMap<V, number>();
  private stores = 0;

  constructor(options: LRUCache.Options<string, V, unknown>) {
    this.cache = new LRUCache(options);
    this.ttl = options.ttl ?? 0;
  }

  get(key: string): V | undefined {
    return this.cache.get(key);
  }

  /** Runs the read; its result is stored when `store` and no invalidation of the key came while it ran. */
  async load<R extends V | null>(key: string, read: () => Promise<R>, store = true): Promise<R> {
    const mark = { stale: false };
    let marks = this.reading.get(key);
    if (!marks) this.reading.set(key, (marks = new Set()));
    marks.add(mark);
    try {
      const value = await read();
      if (value !== null && store && !mark.stale) {
        this.storedAt.set(value, ++this.stores);
        this.cache.set(key, value, this.life());
      }
      return value;
    } finally {
      marks.delete(mark);
      if (!marks.size) this.reading.delete(key);
    }
  }

  /** A point in this cache's history, taken before a write: `update` trusts only entries stored before it. */
  point(): number {
    return this.stores;
  }

  /**
   * A change this instance wrote and knows the effect of, applied to the cached entry with its expiry unchanged
   * (nothing when absent). Only to an entry stored before `before` (a `point()` taken before the write began): one
   * read later may already hold the change, so it is dropped instead. Reads under way are stale, as for a delete.
   */
  update(key: string, change: (value: V) => V, before: number): void {
    const value = this.cache.get(key, { updateAgeOnGet: false });
    const stored = value && this.storedAt.get(value);
    if (value && stored !== undefined && stored <= before) {
      const left = this.cache.getRemainingTTL(key);
      const changed = change(value);
      this.storedAt.set(changed, stored);
      this.cache.set(key, changed, Number.isFinite(left) && left > 0 ? { ttl: left } : undefined);
    } else if (value) this.cache.delete(key);
    for (const mark of this.reading.get(key) ?? []) mark.stale = true;
  }

  delete(key: string): void {
    this.cache.delete(key);
    for (const mark of this.reading.get(key) ?? []) mark.stale = true;
  }

  /** Drops the entries that match; reads under way are all treated as stale (what they will read is unknown). */
  deleteWhere(matches: (value: V) => boolean): void {
    for (const [key, value] of this.cache.entries()) if (matches(value)) this.cache.delete(key);
    this.staleAll();
  }

  clear(): void {
    this.cache.clear();
    this.staleAll();
  }

  private life(): { ttl: number } | undefined {
    return this.ttl ? { ttl: Math.round(this.ttl * (SHORTEST_LIFE + (1 - SHORTEST_LIFE) * Math.random())) } : undefined;
  }

  private staleAll(): void {
    for (const marks of this.reading.values()) for (const mark of marks) mark.stale = true;
  }
}
