/** Wire shapes of the admin API: generated from /openapi.json where the API declares them (api-types.ts). */
import type { components } from './api-types';

type Schemas = components['schemas'];

export type Role = 'admin' | 'user';
export type UserStatus = 'active' | 'inactive' | 'suspended' | 'locked' | 'unverified';

/** A window's limit per minute, hour and day; null where the role's default applies (what an admin sets). */
export type RateLimits = Schemas['RateLimitOverridesDto'];

export type Usage = Schemas['UserUsageDto'];

/** A user as the API shows it: generated from the API's UserResponseDto (api-types.ts). */
export type UserOut = Schemas['UserResponseDto'];

export type QuotaKind = 'transcriptions' | 'translations' | 'tts' | 'audio_seconds';
/** Monthly quotas in effect; null = unlimited. */
export type Quota = Schemas['QuotaLimitsDto'];
export type MonthUsage = Schemas['MonthUsageDto'];

/** A user's second factors (GET /auth/admin/users/{id}/mfa). */
export type UserFactors = Schemas['AdminMfaDetailDto'];

/** An access and refresh token pair (POST /auth/token; `tokens` in the login and refresh answers). */
export type Tokens = Schemas['TokenResponseDto'];

export type LoginResponse = Schemas['LoginResponseDto'];

export type RefreshResponse = Schemas['RefreshResponseDto'];

/** The page fields every paginated list carries (generated as part of each list's schema). */
export type Page = Pick<Schemas['UserListDto'], 'total' | 'page' | 'per_page' | 'pages'>;

export type UserList = Schemas['UserListDto'];

export type LoginHistoryRow = Schemas['LoginHistoryItemDto'];

export type LoginHistoryPage = Schemas['LoginHistoryPageDto'];

/** A session (generated from SessionResponseDto): the user detail's live sessions. */
export type SessionRow = Schemas['SessionResponseDto'];

/** A session in GET /auth/admin/users/{id}/sessions, ended ones included; `active`: not revoked and not expired. */
export type AdminSessionRow = Schemas['AdminSessionDto'];

export type SecurityEvent = Schemas['SecurityEventItemDto'];

export type SecurityEventList = Schemas['AdminSecurityEventPageDto'];

export type OwnSecurityEventList = Schemas['OwnSecurityEventPageDto'];

export type UserDetail = Schemas['UserDetailDto'];

export type CreateUserResponse = Schemas['CreateUserResponseDto'];

/** POST /auth/admin/users/{id}/reset-password without a password: 200 with it (else 204, no body). */
export type GeneratedPassword = Schemas['GeneratedPasswordDto'];

export type BulkAction = Schemas['BulkResultDto']['action'];

export type BulkResult = Schemas['BulkResultItemDto'];

export type BulkResponse = Schemas['BulkResultDto'];

/** Dashboard figures; `gate`: this month's forwarded traffic (every user, as flushed) and this instance's decisions. */
export type Stats = Schemas['AdminStatsDto'];

/** RFC 9457 problem document. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  request_id?: string;
  errors?: { field: string; message: string }[];
}

/** Outbound webhooks: an endpoint (`secret` only in the answers to create and rotate-secret), its deliveries. */
export type WebhookEndpoint = Schemas['WebhookEndpointDto'] & { secret?: string };
export type WebhookAttempt = Schemas['WebhookAttemptDto'];
export type WebhookDelivery = Schemas['WebhookDeliveryDto'];
export type WebhookDeliveryPage = Schemas['WebhookDeliveryPageDto'];

/** A personal API key as the API shows it (never the key itself, except `key` right after create/roll). */
export type PersonalKey = Schemas['PersonalKeyResponseDto'] & { key?: string };
