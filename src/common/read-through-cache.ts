import { LRUCache } from 'lru-cache';

/**
 * An LRU cache of database reads that invalidations may race. A read that was under way when its key was
 * invalidated is not stored when it finishes: it may hold the row as it was before the change, and storing it
 * would undo the invalidation until the entry expires.
 */
export class ReadThroughCache<V extends object> {
  private readonly cache: LRUCache<string, V>;
  /** Reads under way, per key; each marks itself stale when its key (or everything) is invalidated meanwhile. */
  private readonly reading = new Map<string, Set<{ stale: boolean }>>();

  constructor(options: LRUCache.Options<string, V, unknown>) {
    this.cache = new LRUCache(options);
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
      if (value !== null && store && !mark.stale) this.cache.set(key, value);
      return value;
    } finally {
      marks.delete(mark);
      if (!marks.size) this.reading.delete(key);
    }
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

  private staleAll(): void {
    for (const marks of this.reading.values()) for (const mark of marks) mark.stale = true;
  }
}
