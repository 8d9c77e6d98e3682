import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Clock } from '../common/clock';
import { MemoryRateLimitStorage } from './memory-rate-limit.storage';
import { RedisRateLimitStorage } from './redis-rate-limit.storage';

// The Lua script's contract against a real Redis (CI starts one on 127.0.0.1:6379; see .ci/run).
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/5';

describe('RedisRateLimitStorage (Lua: INCR + PEXPIRE + PTTL in one EVALSHA)', () => {
  let redis: Redis;
  let clock: Clock;
  let prefix: string;
  let sut: RedisRateLimitStorage;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    const keys = await redis.keys('vg-unit-*');
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  beforeEach(() => {
    clock = new Clock();
    prefix = `vg-unit-${randomBytes(6).toString('hex')}:`;
    sut = new RedisRateLimitStorage(redis, new MemoryRateLimitStorage(clock), clock, prefix);
  });

  it('counts hits under one key with the window TTL set on the first hit, and blocks beyond the limit', async () => {
    const r1 = await sut.increment('u:1:minute', 60_000, 2, 0, 'minute');
    const r2 = await sut.increment('u:1:minute', 60_000, 2, 0, 'minute');
    const r3 = await sut.increment('u:1:minute', 60_000, 2, 0, 'minute');
    expect([r1.totalHits, r2.totalHits, r3.totalHits]).toEqual([1, 2, 3]);
    expect([r1.isBlocked, r2.isBlocked, r3.isBlocked]).toEqual([false, false, true]);
    expect(r3.timeToExpire).toBeGreaterThanOrEqual(59);
    expect(r3.timeToExpire).toBeLessThanOrEqual(60);
    expect(r3.timeToBlockExpire).toBe(r3.timeToExpire);
    expect(r3.resetAtMs - clock.now()).toBeGreaterThan(58_000);
    expect(await redis.get(`${prefix}u:1:minute`)).toBe('3');
    const pttl = await redis.pttl(`${prefix}u:1:minute`);
    expect(pttl).toBeGreaterThan(58_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
  });

  it('does not extend the window on later hits', async () => {
    await sut.increment('w', 60_000, 10, 0, 'minute');
    await redis.pexpire(`${prefix}w`, 1234);
    const r = await sut.increment('w', 60_000, 10, 0, 'minute');
    expect(r.totalHits).toBe(2);
    expect(r.timeToExpire).toBe(2); // ceil(≤1234 ms)
  });

  it('is atomic: 50 concurrent hits get 50 distinct counts, exactly `limit` of them allowed', async () => {
    const records = await Promise.all(
      Array.from({ length: 50 }, () => sut.increment('burst', 60_000, 20, 0, 'minute')),
    );
    expect(new Set(records.map((r) => r.totalHits)).size).toBe(50);
    expect(records.filter((r) => !r.isBlocked)).toHaveLength(20);
  });

  it('two storages (two instances) on the same Redis share one count', async () => {
    const other = new RedisRateLimitStorage(redis, new MemoryRateLimitStorage(clock), clock, prefix);
    await sut.increment('shared', 60_000, 2, 0, 'minute');
    await other.increment('shared', 60_000, 2, 0, 'minute');
    expect((await sut.increment('shared', 60_000, 2, 0, 'minute')).isBlocked).toBe(true);
  });

  it('repairs a key that lost its TTL instead of counting forever', async () => {
    await redis.set(`${prefix}stuck`, '7');
    const r = await sut.increment('stuck', 60_000, 100, 0, 'minute');
    expect(r.totalHits).toBe(8);
    expect(await redis.pttl(`${prefix}stuck`)).toBeGreaterThan(0);
  });

  it("counts a request's windows in one script, in order, stopping at the first over its limit", async () => {
    const windows = [
      { key: 'b:minute', ttlMs: 60_000, limit: 2 },
      { key: 'b:hour', ttlMs: 3_600_000, limit: 100 },
      { key: 'b:day', ttlMs: 86_400_000, limit: 1000 },
    ];
    const calls: string[] = [];
    const watcher = redis.duplicate();
    const monitor = await watcher.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => calls.push(String(args[0]).toLowerCase()));
    try {
      expect((await sut.incrementWindows(windows)).map((r) => r.totalHits)).toEqual([1, 1, 1]);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      monitor.disconnect();
      watcher.disconnect();
    }
    expect(calls.filter((c) => c === 'evalsha' || c === 'eval')).toHaveLength(1); // one round trip for three windows
    expect((await sut.incrementWindows(windows)).map((r) => [r.totalHits, r.isBlocked])).toEqual([
      [2, false],
      [2, false],
      [2, false],
    ]);
    const refused = await sut.incrementWindows(windows);
    expect(refused.map((r) => [r.totalHits, r.isBlocked])).toEqual([[3, true]]);
    expect(await redis.get(`${prefix}b:hour`)).toBe('2'); // the refused hit is not counted in the longer windows
    expect(await redis.pttl(`${prefix}b:day`)).toBeGreaterThan(86_000_000);
    expect(refused[0].timeToExpire).toBeLessThanOrEqual(60);
    // the same counters as the one-window call (both instances of one deployment may mix them during an upgrade)
    expect((await sut.increment('b:hour', 3_600_000, 100, 0, 'hour')).totalHits).toBe(3);
  });

  it('survives SCRIPT FLUSH (EVALSHA falls back to EVAL on NOSCRIPT)', async () => {
    await sut.increment('flush', 60_000, 10, 0, 'minute');
    await redis.script('FLUSH');
    expect((await sut.increment('flush', 60_000, 10, 0, 'minute')).totalHits).toBe(2);
  });
});

describe('RedisRateLimitStorage when Redis fails', () => {
  class StubRedis {
    fail = true;
    calls = 0;
    defineCommand(): void {}
    async voicegateRateLimitIncrement(): Promise<[number, number]> {
      this.calls++;
      if (this.fail) throw new Error('Connection is closed.');
      return [1, 60_000];
    }
    async voicegateRateLimitIncrementWindows(): Promise<number[]> {
      this.calls++;
      if (this.fail) throw new Error('Connection is closed.');
      return [1, 60_000];
    }
  }
  let warn: jest.SpyInstance;
  let log: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('fails open to in-process counting, logs once per outage, backs off, and returns to Redis', async () => {
    const clock = new Clock();
    const stub = new StubRedis();
    const sut = new RedisRateLimitStorage(stub as unknown as Redis, new MemoryRateLimitStorage(clock), clock, 'p:');
    const during = [];
    for (let i = 0; i < 4; i++) during.push(await sut.increment('k', 60_000, 3, 0, 'minute'));
    expect(during.map((r) => r.totalHits)).toEqual([1, 2, 3, 4]); // the fallback keeps counting
    expect(during[3].isBlocked).toBe(true);
    expect(sut.degraded).toBe(true);
    expect(stub.calls).toBe(1); // backed off: no per-request timeout while down
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/Redis rate-limit counter failed/);

    clock.advance(1001);
    await sut.increment('k', 60_000, 3, 0, 'minute'); // retried, still down: no second log line
    expect(stub.calls).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);

    stub.fail = false;
    clock.advance(1001);
    const back = await sut.increment('k', 60_000, 3, 0, 'minute');
    expect(back.totalHits).toBe(1); // Redis' count again
    expect(sut.degraded).toBe(false);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/reachable again/));

    stub.fail = true;
    await sut.increment('k', 60_000, 3, 0, 'minute');
    expect(warn).toHaveBeenCalledTimes(2); // a new outage is logged once more
  });

  it('counting all windows at once fails open the same way (and backs off)', async () => {
    const clock = new Clock();
    const stub = new StubRedis();
    const sut = new RedisRateLimitStorage(stub as unknown as Redis, new MemoryRateLimitStorage(clock), clock, 'p:');
    const windows = [
      { key: 'k:minute', ttlMs: 60_000, limit: 1 },
      { key: 'k:hour', ttlMs: 3_600_000, limit: 10 },
    ];
    expect((await sut.incrementWindows(windows)).map((r) => r.totalHits)).toEqual([1, 1]);
    // the fallback stops there too
    expect((await sut.incrementWindows(windows)).map((r) => [r.totalHits, r.isBlocked])).toEqual([[2, true]]);
    expect(stub.calls).toBe(1);
    expect(sut.degraded).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    stub.fail = false;
    clock.advance(1001);
    // the stub's Redis answers one window
    expect((await sut.incrementWindows(windows)).map((r) => r.totalHits)).toEqual([1]);
    expect(sut.degraded).toBe(false);
  });

  it('a Redis that refuses connections (no offline queue) fails fast to the fallback', async () => {
    const clock = new Clock();
    const dead = new Redis('redis://127.0.0.1:1/0', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    try {
      const sut = new RedisRateLimitStorage(dead, new MemoryRateLimitStorage(clock), clock, 'p:');
      const started = Date.now();
      const r = await sut.increment('k', 60_000, 3, 0, 'minute');
      expect(Date.now() - started).toBeLessThan(500);
      expect(r).toMatchObject({ totalHits: 1, isBlocked: false });
      expect(sut.degraded).toBe(true);
    } finally {
      dead.disconnect();
    }
  });
});
