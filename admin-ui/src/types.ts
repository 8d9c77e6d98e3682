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
export type Quota = Record<QuotaKind, number | null>;
export type MonthUsage = Record<QuotaKind, number> & { resets_at: string };

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

export interface LoginHistoryRow {
  id: string;
  login_at: string;
  login_method: string | null;
  success: boolean;
  failure_reason: string | null;
  ip_address: string | null;
  user_agent: string | null;
  session_id: string | null;
  suspicious: boolean;
}

/** A session (generated from SessionResponseDto); `active` is added by GET /auth/admin/users/{id}/sessions. */
export type SessionRow = Schemas['SessionResponseDto'] & {
  /** Not revoked and not expired. */
  active?: boolean;
};

export interface SecurityEvent {
  id: string;
  type: string;
  severity: string;
  user_id: string | null;
  actor_id: string | null;
  ip_address: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown> | null;
  created_at: string;
}

export interface SecurityEventList extends Page {
  events: SecurityEvent[];
}

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

/** Outbound webhooks (CONTRACT §19). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: string | null;
  previous_secret_expires_at: string | null;
  last_success_at: string | null;
  created_at: string;
  updated_at: string;
  /** Only in the answers to create and rotate-secret. */
  secret?: string;
}

export interface WebhookAttempt {
  attempted_at: string;
  response_status: number | null;
  error: string | null;
  duration_ms: number;
}

export interface WebhookDelivery {
  id: string;
  endpoint_id: string;
  event_type: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempt_count: number;
  response_status: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
  attempts: WebhookAttempt[];
}

export interface WebhookDeliveryPage {
  deliveries: WebhookDelivery[];
  page: number;
  per_page: number;
  total: number;
  pages: number;
}

/** A personal API key as the API shows it (never the key itself, except `key` right after create/roll). */
export interface PersonalKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  all_scopes: boolean;
  expires_at: string | null;
  rate_limits: RateLimits;
  created_at: string;
  last_used_at: string | null;
  rolled_at: string | null;
  previous_key_expires_at: string | null;
  key?: string;
}
