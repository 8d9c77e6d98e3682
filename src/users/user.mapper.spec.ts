import Fastify from 'fastify';
import { loadConfig } from '../config/app-config';
import { toUserOut, USER_OUT_SCHEMA } from './user.mapper';
import { Role } from './users.enums';

const config = loadConfig(
  { NODE_ENV: 'test', SECRET_KEY: 'unit-test-secret-unit-test-secret-0123456789' },
  { persistDevSecrets: false },
);

/** What a route with the schema sends (Fastify's own compiler), as parsed JSON. */
async function sent(body: unknown): Promise<unknown> {
  const app = Fastify();
  app.get('/', { schema: { response: { 200: USER_OUT_SCHEMA } } }, async () => body);
  const res = await app.inject({ method: 'GET', url: '/' });
  await app.close();
  return res.json();
}

const at = new Date('2026-11-23T06:00:00.000Z');

const row = (over: Record<string, unknown> = {}) =>
  ({
    id: '0b7c1d52-6a43-4f5e-9a39-3f2f7a0c8d11',
    email: 'ada@example.com',
    username: 'ada',
    usernameCanonical: 'ada',
    fullName: null,
    role: Role.User,
    isActive: true,
    isVerified: false,
    isSuspended: false,
    suspendedReason: null,
    suspendedAt: null,
    apiKeyPrefix: null,
    apiKeyCreatedAt: null,
    apiKeyLastUsedAt: null,
    failedLoginAttempts: 0,
    lastFailedLoginAt: null,
    lockedUntil: null,
    rateLimitPerMinute: null,
    rateLimitPerHour: null,
    rateLimitPerDay: null,
    usageTotalRequests: 0,
    usageTranscriptions: 0,
    usageTranslations: 0,
    usageTts: 0,
    settings: null,
    createdAt: at,
    updatedAt: at,
    lastLoginAt: null,
    passwordChangedAt: null,
    ...over,
  }) as unknown as Parameters<typeof toUserOut>[0];

const rows = [
  ['every optional field null', row()],
  [
    'every field set',
    row({
      fullName: 'Ada "Countess" Lovelace \u2028',
      role: Role.Admin,
      isVerified: true,
      isSuspended: true,
      suspendedReason: 'abuse',
      apiKeyPrefix: 'tk_abcd',
      apiKeyCreatedAt: at,
      apiKeyLastUsedAt: at,
      lockedUntil: new Date(at.getTime() + 60_000),
      rateLimitPerMinute: 1,
      rateLimitPerHour: 2,
      rateLimitPerDay: 3,
      usageTotalRequests: 41,
      usageTranscriptions: 5,
      usageTranslations: 6,
      usageTts: 7,
      settings: { language: 'de', nested: { list: [1, 'two', null, { deep: true }] } },
      lastLoginAt: at,
      passwordChangedAt: at,
    }),
  ],
] as const;

describe('USER_OUT_SCHEMA', () => {
  it.each(rows)('serializes UserOut exactly as JSON.stringify does (%s)', async (_case, user) => {
    const out = toUserOut(user, config, at.getTime(), 1);
    expect(await sent(out)).toEqual(JSON.parse(JSON.stringify(out)));
  });

  it('drops a field toUserOut never returns', async () => {
    const out = { ...toUserOut(row(), config, at.getTime()), hashed_password: '$2b$12$secret' };
    expect(await sent(out)).not.toHaveProperty('hashed_password');
  });
});

describe('toUserOut', () => {
  it('shows a lock only while it lasts, and the pending requests on top of the written count', () => {
    const now = at.getTime();
    const lockedUntil = new Date(now + 60_000);
    const user = row({ lockedUntil, usageTotalRequests: 7 });
    expect(toUserOut(user, config, now, 2)).toMatchObject({
      locked_until: lockedUntil.toISOString(),
      usage: { total_requests: 9 },
    });
    expect(toUserOut(user, config, lockedUntil.getTime() + 1, 3)).toMatchObject({
      locked_until: null,
      usage: { total_requests: 10 },
    });
  });
});
