import { loadConfig } from '../config/app-config';
import { Role } from '../users/users.enums';
import { planRateLimit, resolveUserLimits } from './limits';

const config = loadConfig(
  {
    NODE_ENV: 'test',
    SECRET_KEY: 'unit-test-secret-unit-test-secret-0123456789',
    RATE_LIMIT_USER_PER_MINUTE: '30',
    RATE_LIMIT_USER_PER_HOUR: '500',
    RATE_LIMIT_USER_PER_DAY: '5000',
    RATE_LIMIT_ADMIN_MULTIPLIER: '10',
    RATE_LIMIT_ANON_PER_MINUTE: '60',
    RATE_LIMIT_ANON_PER_HOUR: '1000',
    RATE_LIMIT_ANON_PER_DAY: '10000',
    RATE_LIMIT_AUTH_PER_MINUTE: '20',
  },
  { persistDevSecrets: false },
);
const none: { perMinute: number | null; perHour: number | null; perDay: number | null } = {
  perMinute: null,
  perHour: null,
  perDay: null,
};
const user = (role: Role, rateLimits = none) => ({ id: 'u-1', role, rateLimits });
const limitsOf = (p: ReturnType<typeof planRateLimit>) =>
  Object.fromEntries(Object.values(p.windows).map((w) => [w.name, w.limit]));
const keysOf = (p: ReturnType<typeof planRateLimit>) =>
  Object.fromEntries(Object.values(p.windows).map((w) => [w.name, w.key]));

describe('resolveUserLimits', () => {
  it('users get the defaults (30/500/5000)', () => {
    expect(resolveUserLimits(config, Role.User, none)).toEqual({ perMinute: 30, perHour: 500, perDay: 5000 });
  });

  it('admins get 10× (300/5000/50000)', () => {
    expect(resolveUserLimits(config, Role.Admin, none)).toEqual({ perMinute: 300, perHour: 5000, perDay: 50000 });
  });

  it('per-user overrides win window by window, for admins too (not multiplied)', () => {
    expect(resolveUserLimits(config, Role.User, { perMinute: 3, perHour: null, perDay: 0 })).toEqual({
      perMinute: 3,
      perHour: 500,
      perDay: 0,
    });
    expect(resolveUserLimits(config, Role.Admin, { perMinute: 7, perHour: null, perDay: null })).toEqual({
      perMinute: 7,
      perHour: 5000,
      perDay: 50000,
    });
  });
});

describe('planRateLimit', () => {
  const base = { ip: '203.0.113.7', authRoute: false, route: 'C.h' };

  it('an authenticated request is keyed on the user id, whatever the IP', () => {
    const a = planRateLimit(config, { ...base, user: user(Role.User) });
    const b = planRateLimit(config, { ...base, ip: '198.51.100.1', user: user(Role.User) });
    expect(a.identity).toEqual({ kind: 'user', userId: 'u-1' });
    expect(a.scope).toBe('all');
    expect(keysOf(a)).toEqual({ minute: 'u:u-1:minute', hour: 'u:u-1:hour', day: 'u:u-1:day' });
    expect(keysOf(b)).toEqual(keysOf(a));
    expect(limitsOf(a)).toEqual({ minute: 30, hour: 500, day: 5000 });
    expect(Object.values(a.windows).map((w) => w.ttlMs)).toEqual([60_000, 3_600_000, 86_400_000]);
  });

  it('admins ×10 and user overrides flow through', () => {
    expect(limitsOf(planRateLimit(config, { ...base, user: user(Role.Admin) }))).toEqual({
      minute: 300,
      hour: 5000,
      day: 50000,
    });
    expect(
      limitsOf(planRateLimit(config, { ...base, user: user(Role.User, { perMinute: 2, perHour: 9, perDay: null }) })),
    ).toEqual({ minute: 2, hour: 9, day: 5000 });
  });

  it('an anonymous request is keyed on the IP with the anonymous defaults', () => {
    const p = planRateLimit(config, base);
    expect(p.identity).toEqual({ kind: 'ip', ip: '203.0.113.7' });
    expect(limitsOf(p)).toEqual({ minute: 60, hour: 1000, day: 10000 });
    expect(keysOf(p).minute).toBe('ip:203.0.113.7:minute');
  });

  it('normalises addresses: IPv4-mapped IPv6 is the IPv4 address, IPv6 is grouped by /64', () => {
    expect(planRateLimit(config, { ...base, ip: '::ffff:203.0.113.7' }).identity).toEqual({
      kind: 'ip',
      ip: '203.0.113.7',
    });
    const a = planRateLimit(config, { ...base, ip: '2001:db8:1:2::1' });
    const b = planRateLimit(config, { ...base, ip: '2001:db8:1:2:ffff::9' });
    expect(a.identity).toEqual(b.identity);
    expect(planRateLimit(config, { ...base, ip: '2001:db8:1:3::1' }).identity).not.toEqual(a.identity);
  });

  it('credential routes: one per-IP minute window in the auth group, even with a principal', () => {
    const p = planRateLimit(config, { ...base, authRoute: true, user: user(Role.Admin) });
    expect(p.identity).toEqual({ kind: 'ip', ip: '203.0.113.7' });
    expect(p.scope).toBe('auth');
    expect(limitsOf(p)).toEqual({ minute: 20 });
    expect(keysOf(p)).toEqual({ minute: 'ip:203.0.113.7:auth:minute' });
    // the auth group never shares a key with the same IP's anonymous budget
    expect(keysOf(planRateLimit(config, base)).minute).not.toBe(keysOf(p).minute);
  });

  it('an endpoint override replaces the windows it names, in a bucket of its own; the others stay shared', () => {
    const p = planRateLimit(config, {
      ...base,
      route: 'Jobs.create',
      override: { perMinute: 2 },
      user: user(Role.Admin),
    });
    expect(p.scope).toBe('route');
    expect(limitsOf(p)).toEqual({ minute: 2, hour: 5000, day: 50000 });
    expect(keysOf(p)).toEqual({ minute: 'u:u-1:r:Jobs.create:minute', hour: 'u:u-1:hour', day: 'u:u-1:day' });
    const anon = planRateLimit(config, { ...base, route: 'X.y', override: { perMinute: 1, perHour: 2, perDay: 3 } });
    expect(limitsOf(anon)).toEqual({ minute: 1, hour: 2, day: 3 });
    expect(keysOf(anon).day).toBe('ip:203.0.113.7:r:X.y:day');
  });

  it('a route override does not loosen the credential routes', () => {
    expect(limitsOf(planRateLimit(config, { ...base, authRoute: true, override: { perMinute: 1000 } }))).toEqual({
      minute: 20,
    });
  });
});

describe('planRateLimit with an API key of limited rate', () => {
  const base = { ip: '203.0.113.9', authRoute: false, route: 'C.h' };
  it("adds the key's own windows (in its own buckets) on top of the user's", () => {
    const plan = planRateLimit(config, {
      ...base,
      user: user(Role.User),
      key: { id: 'k-1', rateLimits: { perMinute: 3, perHour: null, perDay: 50 } },
    });
    expect(limitsOf(plan)).toEqual({ minute: 30, hour: 500, day: 5000, 'key-minute': 3, 'key-day': 50 });
    expect(keysOf(plan)['key-minute']).toBe('k:k-1:key-minute');
  });
  it('a key without limits adds nothing; anonymous plans never carry key windows', () => {
    const free = { id: 'k-2', rateLimits: none };
    expect(Object.keys(planRateLimit(config, { ...base, user: user(Role.User), key: free }).windows)).toEqual([
      'minute',
      'hour',
      'day',
    ]);
    expect(Object.keys(planRateLimit(config, { ...base, key: free }).windows)).toHaveLength(3);
  });
});
