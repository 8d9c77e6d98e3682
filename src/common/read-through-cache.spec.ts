import { ReadThroughCache } from './read-through-cache';

type Row = { id: string; v: number };

/** A read the test finishes when it likes. */
function deferred(): { promise: Promise<Row>; finish: (row: Row) => void } {
  let finish!: (row: Row) => void;
  const promise = new Promise<Row>((r) => (finish = r));
  return { promise, finish };
}

describe('ReadThroughCache', () => {
  const cache = () => new ReadThroughCache<Row>({ max: 10 });

  it('stores what a read returned, and not when told not to or when nothing was found', async () => {
    const c = cache();
    await c.load('a', async () => ({ id: 'a', v: 1 }));
    expect(c.get('a')).toEqual({ id: 'a', v: 1 });
    await c.load('b', async () => ({ id: 'b', v: 1 }), false);
    expect(c.get('b')).toBeUndefined();
    expect(await c.load('c', async () => null)).toBeNull();
    expect(c.get('c')).toBeUndefined();
  });

  it('a read under way when its key is invalidated is returned but not stored (it may predate the change)', async () => {
    const c = cache();
    const read = deferred();
    const loading = c.load('a', () => read.promise);
    c.delete('a');
    read.finish({ id: 'a', v: 1 });
    expect(await loading).toEqual({ id: 'a', v: 1 });
    expect(c.get('a')).toBeUndefined();
    // An invalidation of another key leaves the read alone; a later read is stored again.
    const other = deferred();
    const next = c.load('a', () => other.promise);
    c.delete('b');
    other.finish({ id: 'a', v: 2 });
    await next;
    expect(c.get('a')).toEqual({ id: 'a', v: 2 });
  });

  it('clear() and deleteWhere() make every read under way stale', async () => {
    const c = cache();
    await c.load('x', async () => ({ id: 'x', v: 1 }));
    await c.load('y', async () => ({ id: 'y', v: 2 }));
    const read = deferred();
    const loading = c.load('z', () => read.promise);
    c.deleteWhere((row) => row.v === 1);
    expect([c.get('x'), c.get('y')]).toEqual([undefined, { id: 'y', v: 2 }]);
    read.finish({ id: 'z', v: 3 });
    await loading;
    expect(c.get('z')).toBeUndefined();
    const again = deferred();
    const second = c.load('z', () => again.promise);
    c.clear();
    again.finish({ id: 'z', v: 3 });
    await second;
    expect([c.get('y'), c.get('z')]).toEqual([undefined, undefined]);
  });
});

describe('ReadThroughCache with a TTL', () => {
  /** lru-cache's clock, moved by the test (its TTL checks read it, cached for ttlResolution ms). */
  const clock = () => {
    const c = { t: 1_000_000, now: () => c.t };
    return c;
  };

  it('gives entries read together different lives within 80–100 % of the TTL', async () => {
    const perf = clock();
    const c = new ReadThroughCache<Row>({ max: 1000, ttl: 10_000, ttlResolution: 0, perf });
    for (let i = 0; i < 200; i++) await c.load(`k${i}`, async () => ({ id: `k${i}`, v: i }));
    const alive = (ms: number) => {
      perf.t = 1_000_000 + ms;
      return Array.from({ length: 200 }, (_, i) => c.get(`k${i}`)).filter(Boolean).length;
    };
    expect(alive(7_900)).toBe(200);
    const midway = alive(9_000);
    expect(midway).toBeGreaterThan(0);
    expect(midway).toBeLessThan(200);
    expect(alive(10_100)).toBe(0);
  });

  it('update() changes an entry stored before the write without extending its life; newer entries are dropped', async () => {
    const perf = clock();
    const c = new ReadThroughCache<Row>({ max: 10, ttl: 10_000, ttlResolution: 0, perf });
    await c.load('a', async () => ({ id: 'a', v: 1 }));
    const before = c.point(); // the write begins
    await c.load('late', async () => ({ id: 'late', v: 2 })); // read while the write ran: may hold it already
    perf.t += 5_000;
    c.update('a', (row) => ({ ...row, v: row.v + 1 }), before);
    c.update('late', (row) => ({ ...row, v: row.v + 1 }), before);
    expect(c.get('a')).toEqual({ id: 'a', v: 2 });
    expect(c.get('late')).toBeUndefined();
    // An updated entry can be updated again by a later write.
    c.update('a', (row) => ({ ...row, v: row.v + 1 }), c.point());
    expect(c.get('a')).toEqual({ id: 'a', v: 3 });
    perf.t += 2_900; // 7.9 s after the read: alive (a life is at least 8 s)
    expect(c.get('a')).toEqual({ id: 'a', v: 3 });
    perf.t += 2_200; // 10.1 s after the read: gone (an update restarting the life would keep it to 13 s at least)
    expect(c.get('a')).toBeUndefined();
    c.update('missing', (row) => row, c.point()); // absent: nothing stored
    expect(c.get('missing')).toBeUndefined();
    const read = deferred();
    const loading = c.load('b', () => read.promise);
    c.update('b', (row) => row, c.point());
    read.finish({ id: 'b', v: 1 });
    await loading;
    expect(c.get('b')).toBeUndefined();
  });
});
