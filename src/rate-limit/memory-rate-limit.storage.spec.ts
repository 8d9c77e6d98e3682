import { Clock } from '../common/clock';
import { MemoryRateLimitStorage } from './memory-rate-limit.storage';

class FixedClock extends Clock {
  private t = Date.parse('2030-01-02T03:04:05.000Z');
  override now(): number {
    return this.t;
  }
  override advance(ms: number): void {
    this.t += ms;
  }
}

describe('MemoryRateLimitStorage (fixed windows on the injected clock)', () => {
  let clock: FixedClock;
  let sut: MemoryRateLimitStorage;
  beforeEach(() => {
    clock = new FixedClock();
    sut = new MemoryRateLimitStorage(clock);
  });

  it('counts hits, blocks the one beyond the limit, and reports when the window resets', async () => {
    const start = clock.now();
    const records = [];
    for (let i = 0; i < 4; i++) {
      records.push(await sut.increment('k', 60_000, 3, 0, 'minute'));
      clock.advance(1000);
    }
    expect(records.map((r) => r.totalHits)).toEqual([1, 2, 3, 4]);
    expect(records.map((r) => r.isBlocked)).toEqual([false, false, false, true]);
    expect(records.map((r) => r.resetAtMs)).toEqual([start + 60_000, start + 60_000, start + 60_000, start + 60_000]);
    expect(records.map((r) => r.timeToExpire)).toEqual([60, 59, 58, 57]);
    expect(records[3].timeToBlockExpire).toBe(57);
    expect(records[0].timeToBlockExpire).toBe(0);
  });

  it('starts a new window once the old one has expired', async () => {
    for (let i = 0; i < 5; i++) await sut.increment('k', 60_000, 3, 0, 'minute');
    clock.advance(59_999);
    expect((await sut.increment('k', 60_000, 3, 0, 'minute')).isBlocked).toBe(true);
    clock.advance(1);
    const r = await sut.increment('k', 60_000, 3, 0, 'minute');
    expect(r).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60, resetAtMs: clock.now() + 60_000 });
  });

  it('keys are independent', async () => {
    await sut.increment('a', 60_000, 1, 0, 'minute');
    expect((await sut.increment('a', 60_000, 1, 0, 'minute')).isBlocked).toBe(true);
    expect((await sut.increment('b', 60_000, 1, 0, 'minute')).isBlocked).toBe(false);
  });

  it('a limit of 0 blocks every hit', async () => {
    expect((await sut.increment('z', 60_000, 0, 0, 'minute')).isBlocked).toBe(true);
  });

  it("counts a request's windows in order and stops at the first one over its limit (not counted in the longer ones)", async () => {
    const windows = [
      { key: 'u:minute', ttlMs: 60_000, limit: 2 },
      { key: 'u:hour', ttlMs: 3_600_000, limit: 100 },
    ];
    expect(sut.hitWindows(windows).map((r) => r.totalHits)).toEqual([1, 1]);
    expect(sut.hitWindows(windows).map((r) => r.totalHits)).toEqual([2, 2]);
    const refused = sut.hitWindows(windows);
    expect(refused.map((r) => [r.totalHits, r.isBlocked])).toEqual([[3, true]]);
    expect((await sut.increment('u:hour', 3_600_000, 100, 0, 'hour')).totalHits).toBe(3); // the refused hit was not counted
  });
});
