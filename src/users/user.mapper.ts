import { AppConfig } from '../config/app-config';
import { effectiveQuota, monthUsageOut } from '../gate/quota';
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
  return {
    ...out,
    locked_until: activeLock(user),
    usage: { ...out.usage, total_requests: user.usageTotalRequests + pending.totalRequests },
  };
}

const stableParts = new WeakMap<object, ReturnType<typeof stableUserOut>>();

/** The lockout's end while it lasts (ISO), else null: the one part of UserOut that changes with time alone. */
const activeLock = (user: UserRow): string | null =>
  user.lockedUntil && new Date(user.lockedUntil).getTime() > Date.now() ? iso(user.lockedUntil) : null;

/**
 * toUserOut as JSON text, the same bytes JSON.stringify would give: for a frozen (cached) row the JSON around the two
 * fields that change per call (locked_until, usage.total_requests) is built once, so GET /auth/me concatenates five
 * strings instead of building and serializing a 22-field object per request.
 */
export function toUserOutJson(user: UserRow, config: AppConfig, pending: PendingUsage = { totalRequests: 0 }): string {
  if (!Object.isFrozen(user)) return JSON.stringify(toUserOut(user, config, pending));
  let parts = jsonParts.get(user);
  if (!parts) jsonParts.set(user, (parts = splitUserOutJson(toUserOut(user, config))));
  return (
    parts[0] +
    JSON.stringify(activeLock(user)) +
    parts[1] +
    (user.usageTotalRequests + pending.totalRequests) +
    parts[2]
  );
}

const jsonParts = new WeakMap<object, [string, string, string]>();

/** UserOut's JSON cut where locked_until's and usage.total_requests's values go. */
function splitUserOutJson(out: UserOut): [string, string, string] {
  const parts: string[] = [];
  let text = '{';
  let comma = '';
  for (const [key, value] of Object.entries(out)) {
    text += `${comma}${JSON.stringify(key)}:`;
    comma = ',';
    if (key === 'locked_until') {
      parts.push(text);
      text = '';
    } else if (key === 'usage') {
      const { total_requests: _counted, ...rest } = value as UserOut['usage'];
      parts.push(`${text}{"total_requests":`);
      text =
        Object.entries(rest)
          .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`)
          .join('') + '}';
    } else text += JSON.stringify(value);
  }
  parts.push(text + '}');
  if (parts.length !== 3) throw new Error('UserOut: locked_until must precede usage');
  return parts as [string, string, string];
}

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
    rate_limit_overrides: {
      per_minute: user.rateLimitPerMinute,
      per_hour: user.rateLimitPerHour,
      per_day: user.rateLimitPerDay,
    },
    usage: {
      total_requests: user.usageTotalRequests,
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
 * UserOut as a JSON schema, for routes that answer with a UserOut object (PUT /auth/profile; GET /auth/me sends
 * toUserOutJson's text): Fastify compiles it into the route's serializer (fast-json-stringify: about half
 * JSON.stringify's time), and a field it does not list is never sent. A unit test holds it to toUserOut's shape.
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
