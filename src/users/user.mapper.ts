import { AppConfig } from '../config/app-config';
import { effectiveQuota, monthUsageOut } from '../gate/quota';
import { resolveUserLimits } from '../rate-limit/limits';
import { User } from './entities/user.entity';
import { Role } from './users.enums';

import { iso } from '../common/iso';

export { iso };

export type UserRow = Omit<User, 'hashedPassword' | 'apiKeyHash'>;

/**
 * The API's view of a user (UserOut). Never a hash or secret. `now` (epoch ms) decides whether a lockout is still
 * on; `pendingRequests` are requests counted in memory and not yet written.
 */
export function toUserOut(user: UserRow, config: AppConfig, now: number, pendingRequests = 0) {
  const limits = resolveUserLimits(config, user.role, {
    perMinute: user.rateLimitPerMinute,
    perHour: user.rateLimitPerHour,
    perDay: user.rateLimitPerDay,
  });
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    full_name: user.fullName,
    role: user.role,
    is_superuser: user.role === Role.Admin,
    is_active: user.isActive,
    is_verified: user.isVerified,
    is_suspended: user.isSuspended,
    suspended_reason: user.suspendedReason,
    locked_until: user.lockedUntil && new Date(user.lockedUntil).getTime() > now ? iso(user.lockedUntil) : null,
    rate_limits: { per_minute: limits.perMinute, per_hour: limits.perHour, per_day: limits.perDay },
    rate_limit_overrides: {
      per_minute: user.rateLimitPerMinute,
      per_hour: user.rateLimitPerHour,
      per_day: user.rateLimitPerDay,
    },
    usage: {
      total_requests: user.usageTotalRequests + pendingRequests,
      transcriptions: user.usageTranscriptions,
      translations: user.usageTranslations,
      tts: user.usageTts,
      month: monthUsageOut(user, Date.now()),
    },
    quota: effectiveQuota(config, user.quotaOverrides),
    api_key_prefix: user.apiKeyPrefix,
    api_key_created_at: iso(user.apiKeyCreatedAt),
    api_key_last_used_at: iso(user.apiKeyLastUsedAt),
    settings: user.settings ?? {},
    created_at: iso(user.createdAt),
    updated_at: iso(user.updatedAt),
    last_login_at: iso(user.lastLoginAt),
    password_changed_at: iso(user.passwordChangedAt),
  };
}

export type UserOut = ReturnType<typeof toUserOut>;

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const intOrNull = { type: ['integer', 'null'] } as const;
const bool = { type: 'boolean' } as const;
const numOrNull = { type: ['number', 'null'] } as const;
const object = (properties: Record<string, object>) =>
  ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false }) as const;

/**
 * UserOut as a JSON schema: Fastify compiles it into the serializer of every route that answers with a user, and a
 * field it does not list is never sent. A unit test holds it to toUserOut's shape.
 */
export const USER_OUT_SCHEMA = object({
  id: str,
  email: str,
  username: str,
  full_name: strOrNull,
  role: str,
  is_superuser: bool,
  is_active: bool,
  is_verified: bool,
  is_suspended: bool,
  suspended_reason: strOrNull,
  locked_until: strOrNull,
  rate_limits: object({ per_minute: int, per_hour: int, per_day: int }),
  rate_limit_overrides: object({ per_minute: intOrNull, per_hour: intOrNull, per_day: intOrNull }),
  usage: object({
    total_requests: int,
    transcriptions: int,
    translations: int,
    tts: int,
    month: object({
      transcriptions: int,
      translations: int,
      tts: int,
      audio_seconds: { type: 'number' },
      resets_at: str,
    }),
  }),
  quota: object({ transcriptions: intOrNull, translations: intOrNull, tts: intOrNull, audio_seconds: numOrNull }),
  api_key_prefix: strOrNull,
  api_key_created_at: strOrNull,
  api_key_last_used_at: strOrNull,
  settings: { type: 'object', additionalProperties: true },
  created_at: str,
  updated_at: str,
  last_login_at: strOrNull,
  password_changed_at: strOrNull,
});
