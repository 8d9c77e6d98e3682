/** Wire shapes of the admin API (CONTRACT §3, §8, §10). Read defensively: fields may be missing or null. */

export type Role = 'admin' | 'user';
export type UserStatus = 'active' | 'inactive' | 'suspended' | 'locked' | 'unverified';

export interface RateLimits {
  per_minute: number | null;
  per_hour: number | null;
  per_day: number | null;
}

export interface Usage {
  total_requests: number;
  transcriptions: number;
  translations: number;
  tts: number;
}

export interface UserOut {
  id: string;
  email: string;
  username: string;
  full_name: string | null;
  role: Role;
  is_superuser?: boolean;
  is_active: boolean;
  is_verified: boolean;
  is_suspended: boolean;
  suspended_reason: string | null;
  locked_until: string | null;
  /** Effective limits (the override, else the role default). */
  rate_limits?: Partial<RateLimits> | null;
  /** What an admin set; null fields use the role default. */
  rate_limit_overrides?: Partial<RateLimits> | null;
  usage?: Partial<Usage> | null;
  api_key_prefix: string | null;
  api_key_last_used_at?: string | null;
  settings?: Record<string, unknown> | null;
  created_at: string;
  updated_at?: string | null;
  last_login_at: string | null;
  password_changed_at?: string | null;
}

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

export interface SessionRow {
  id: string;
  ip_address: string | null;
  user_agent: string | null;
  device_name: string | null;
  created_at: string;
  last_active_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  login_method?: string | null;
  current?: boolean;
  /** GET /{id}/sessions only: not revoked and not expired. */
  active?: boolean;
}

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
}

/** RFC 9457 problem document (CONTRACT §2). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  request_id?: string;
  errors?: { field: string; message: string }[];
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
