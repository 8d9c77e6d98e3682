import { ConfigError, loadConfig, parseDurations } from '../config/app-config';

const base = {
  SECRET_KEY: 'k'.repeat(40),
  ENCRYPTION_KEY: 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=',
  DATABASE_URL: 'sqlite::memory:',
};
const load = (env: Record<string, string>) => loadConfig({ ...base, ...env }, { persistDevSecrets: false });

describe('webhook configuration', () => {
  it('defaults: the schedule of about 24 h, 10 s timeout, a 5 s poll', () => {
    const { webhooks } = load({});
    expect(webhooks.retryScheduleMs).toEqual([10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 54_000_000]);
    const total = webhooks.retryScheduleMs.reduce((a, b) => a + b, 0);
    expect(total).toBe(23 * 3_600_000 + 36 * 60_000 + 10_000); // about a day
    expect(webhooks).toMatchObject({ timeoutMs: 10_000, pollMs: 5_000 });
  });

  it('private addresses: refused in production unless allowed, allowed elsewhere unless refused', () => {
    expect(load({ NODE_ENV: 'production' }).webhooks.allowPrivate).toBe(false);
    expect(load({ NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE: 'true' }).webhooks.allowPrivate).toBe(true);
    expect(load({ NODE_ENV: 'test' }).webhooks.allowPrivate).toBe(true);
    expect(load({ NODE_ENV: 'development', WEBHOOK_ALLOW_PRIVATE: 'false' }).webhooks.allowPrivate).toBe(false);
  });

  it.each(['', ' 500ms, 2s ,3m,1h,1d'])('accepts the schedule %j', (v) => {
    expect(() => load({ WEBHOOK_RETRY_SCHEDULE: v })).not.toThrow();
  });

  it.each(['10', '10 s', '1w', '-5s', '10s,,1m', '1.5s', Array(31).fill('1s').join(',')])(
    'refuses the schedule %j, naming the variable',
    (v) => {
      expect(() => load({ WEBHOOK_RETRY_SCHEDULE: v })).toThrow(ConfigError);
      expect(() => load({ WEBHOOK_RETRY_SCHEDULE: v })).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
    },
  );

  it.each([
    ['WEBHOOK_TIMEOUT_SECONDS', '0'],
    ['WEBHOOK_TIMEOUT_SECONDS', '61'],
    ['WEBHOOK_POLL_SECONDS', '-1'],
    ['WEBHOOK_ALLOW_PRIVATE', 'maybe'],
  ])('refuses %s=%s', (name, v) => {
    expect(() => load({ [name]: v })).toThrow(new RegExp(name));
  });

  it('parses durations in every unit', () => {
    expect(parseDurations('250ms,10s,2m,3h,1d')).toEqual([250, 10_000, 120_000, 10_800_000, 86_400_000]);
  });
});
