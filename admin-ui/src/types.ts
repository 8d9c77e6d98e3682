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

export interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

export interface LoginResponse {
  success: boolean;
  user: UserOut;
  tokens: Tokens;
  session_id: string;
}

export interface Page {
  total: number;
  page: number;
  per_page: number;
  pages: number;
}

export interface UserList extends Page {
  users: UserOut[];
}

export type LoginHistoryRow = Schemas['LoginHistoryItemDto'];

/** A session (generated from SessionResponseDto); `active` is added by GET /auth/admin/users/{id}/sessions. */
export type SessionRow = Schemas['SessionResponseDto'] & {
  /** Not revoked and not expired. */
  active?: boolean;
};

export type SecurityEvent = Schemas['SecurityEventItemDto'];

export type SecurityEventList = Schemas['AdminSecurityEventPageDto'];

export interface UserDetail {
  user: UserOut;
  login_history: LoginHistoryRow[];
  /** Live sessions only. */
  sessions: SessionRow[];
  security_events: SecurityEvent[];
  /** The user's usage counters plus figures joined from other tables. */
  usage?: Partial<Usage> & {
    jobs?: Partial<Record<'total' | 'pending' | 'processing' | 'completed' | 'failed', number>>;
    active_sessions?: number;
    api_key_last_used_at?: string | null;
  };
}

export interface CreateUserResponse {
  user: UserOut;
  api_key?: string;
  generated_password?: string;
}

export type BulkAction =
  'suspend' | 'unsuspend' | 'activate' | 'deactivate' | 'verify' | 'unlock' | 'revoke_sessions' | 'delete';

export interface BulkResult {
  user_id: string;
  success: boolean;
  error?: string | null;
}

export interface Stats {
  users: {
    total: number;
    by_status: Partial<Record<UserStatus, number>>;
    by_role: Partial<Record<Role, number>>;
  };
  logins: {
    last_24h: { success: number; failure: number };
    per_day: { date: string; success: number; failure: number }[];
  };
  jobs?: { by_status?: Record<string, number> };
  sessions?: { active?: number };
  /** Forwarded traffic: this month's (every user, as flushed) and this instance's decisions since it started. */
  gate?: {
    month: Record<QuotaKind | 'requests' | 'users', number> & { month: string };
    decisions: Record<'allowed' | 'unauthenticated' | 'forbidden' | 'rate_limited' | 'quota_exceeded', number>;
  };
}

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
