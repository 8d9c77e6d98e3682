import { AppConfig } from '../config/app-config';
import { effectiveQuota, monthUsageOut } from './quota';
import { resolveUserLimits } from '../rate-limit/limits';
import { responseSchema } from '../common/response-schema';
import { UserResponseDto } from './dto/user-response.dto';
import { User } from './entities/user.entity';
import { Role } from './users.enums';

import { iso } from '../common/iso';

export { iso };

export type UserRow = Omit<User, 'hashedPassword' | 'apiKeyHash'>;

/**
 * The API's view of a user (UserOut). Never a hash or secret. `now` (epoch ms) decides whether a lockout is still
 * on; `pendingRequests` are requests counted in memory and not yet written.
 */
export function toUserOut(user: UserRow, config: AppConfig, now: number, pendingRequests = 0): UserResponseDto {
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
    created_at: new Date(user.createdAt).toISOString(),
    updated_at: new Date(user.updatedAt).toISOString(),
    last_login_at: iso(user.lastLoginAt),
    password_changed_at: iso(user.passwordChangedAt),
  };
}

export type UserOut = UserResponseDto;

/**
 * UserOut as a JSON schema, from UserResponseDto: Fastify compiles it into the serializer of every route that answers
 * with a user, and a field it does not list is never sent. A unit test holds it to toUserOut's shape.
 */
export const USER_OUT_SCHEMA = responseSchema(UserResponseDto);
