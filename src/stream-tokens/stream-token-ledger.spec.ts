import { Clock } from '../common/clock';
import { RedisService } from '../redis/redis.service';
import { StreamTokenLedger } from './stream-token-ledger';

describe('StreamTokenLedger', () => {
  const clock = new Clock();

  describe('in memory (no REDIS_URL)', () => {
    const sut = new StreamTokenLedger({ client: undefined } as unknown as RedisService, clock);

    it('the first claim of a jti wins, every later one loses', async () => {
      expect(await sut.isSpent('a')).toBe(false);
      const claims = await Promise.all([1, 2, 3].map(() => sut.claim('a', clock.now() + 60_000)));
      expect(claims).toEqual([true, false, false]);
      expect(await sut.isSpent('a')).toBe(true);
      expect(await sut.claim('b', clock.now() + 60_000)).toBe(true);
    });
  });

  describe('with Redis', () => {
    it('claims with SET NX PX (the entry outlives the token) and reads with EXISTS', async () => {
      const set = jest.fn().mockResolvedValueOnce('OK').mockResolvedValueOnce(null);
      const exists = jest.fn().mockResolvedValue(1);
      const sut = new StreamTokenLedger({ client: { set, exists } } as unknown as RedisService, clock);
      expect(await sut.claim('j', clock.now() + 30_000)).toBe(true);
      expect(await sut.claim('j', clock.now() + 30_000)).toBe(false);
      const [key, value, px, ttl, nx] = set.mock.calls[0];
      expect([key, value, px, nx]).toEqual(['voicegate:stream-token:j', '1', 'PX', 'NX']);
      expect(ttl).toBeGreaterThanOrEqual(30_000);
      expect(await sut.isSpent('j')).toBe(true);
    });

    it('Redis unreachable: 503 SERVICE_UNAVAILABLE, never "unused"', async () => {
      const down = jest.fn().mockRejectedValue(new Error('connection is closed'));
      const sut = new StreamTokenLedger({ client: { set: down, exists: down } } as unknown as RedisService, clock);
      await expect(sut.claim('j', clock.now() + 1000)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      await expect(sut.isSpent('j')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    });
  });
});
