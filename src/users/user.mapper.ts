import { AppConfig } from '../config/app-config';
import { resolveUserLimits } from '../rate-limit/limits';
import { User } from './entities/user.entity';
import { Role } from './users.enums';

export const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export interface PendingUsage {
  totalRequests: number;
}

type UserRow = Omit<User, 'hashedPassword' | 'apiKeyHash'>;

/** The contract's UserOut (CONTRACT §3). Never a hash or secret. */
export function toUserOut(user: UserRow, config: AppConfig, pending: PendingUsage = { totalRequests: 0 }) {
  // A frozen row is the auth state's cached copy: its time-independent part is built once (8 ISO dates each time
  // was a measurable share of GET /auth/me), the lock and the pending request count are applied per call.
  const frozen = Object.isFrozen(user);
  let out = frozen ? stableParts.get(user) : undefined;
  if (!out) {
    out = stableUserOut(user, config);
    if (frozen) stableParts.set(user, out);
  }
  const locked = user.lockedUntil && new Date(user.lockedUntil).getTime() > Date.now() ? user.lockedUntil : null;
  return { ...out, locked_until: iso(locked), usage: { ...out.usage, total_requests: user.usageTotalRequests + pending.totalRequests } };
}

const stableParts = new WeakMap<object, ReturnType<typeof stableUserOut>>();

function stableUserOut(user: UserRow, config: AppConfig) {
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
    locked_until: null as string | null,
    rate_limits: { per_minute: limits.perMinute, per_hour: limits.perHour, per_day: limits.perDay },
    rate_limit_overrides: { per_minute: user.rateLimitPerMinute, per_hour: user.rateLimitPerHour, per_day: user.rateLimitPerDay },
    usage: {
      total_requests: user.usageTotalRequests,
      transcriptions: user.usageTranscriptions,
      translations: user.usageTranslations,
      tts: user.usageTts,
    },
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
