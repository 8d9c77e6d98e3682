import { RequestMetadata } from '../common/principal';

/** Event name every module emits (through @nestjs/event-emitter's EventEmitter2) to record a security event. */
export const SECURITY_EVENT = 'security.event';

export type Severity = 'info' | 'warning' | 'critical';

export enum SecurityEventType {
  UserRegistered = 'user_registered',
  LoginSucceeded = 'login_succeeded',
  LoginFailed = 'login_failed',
  SuspiciousLogin = 'suspicious_login',
  AccountLocked = 'account_locked',
  AccountUnlocked = 'account_unlocked',
  Logout = 'logout',
  TokenRefreshed = 'token_refreshed',
  RefreshTokenReuse = 'refresh_token_reuse',
  PasswordChanged = 'password_changed',
  PasswordReset = 'password_reset',
  ProfileUpdated = 'profile_updated',
  ApiKeyRegenerated = 'api_key_regenerated',
  ServiceKeyCreated = 'service_key_created',
  ServiceKeyRevealed = 'service_key_revealed',
  ServiceKeyDeleted = 'service_key_deleted',
  SessionRevoked = 'session_revoked',
  RateLimited = 'rate_limited',
  AdminUserCreated = 'admin_user_created',
  AdminUserUpdated = 'admin_user_updated',
  AdminUserDeleted = 'admin_user_deleted',
  AdminUserSuspended = 'admin_user_suspended',
  AdminUserUnsuspended = 'admin_user_unsuspended',
  AdminSessionsRevoked = 'admin_sessions_revoked',
  AdminBulkAction = 'admin_bulk_action',
  ApiKeyRevoked = 'api_key_revoked',
  ApiKeyCreated = 'api_key_created',
  ApiKeyRolled = 'api_key_rolled',
  ApiKeyDeleted = 'api_key_deleted',
  MfaRequired = 'mfa_required',
  TotpEnabled = 'mfa_totp_enabled',
  TotpDisabled = 'mfa_totp_disabled',
  RecoveryCodesRegenerated = 'mfa_recovery_codes_regenerated',
  RecoveryCodeUsed = 'mfa_recovery_code_used',
  PasskeyRegistered = 'passkey_registered',
  PasskeyRenamed = 'passkey_renamed',
  PasskeyDeleted = 'passkey_deleted',
  AdminMfaReset = 'admin_mfa_reset',
}

export interface SecurityEventInput {
  type: SecurityEventType;
  severity?: Severity;
  /** The user the event is about. */
  userId?: string | null;
  /** Who acted (admin actions); defaults to userId. */
  actorId?: string | null;
  meta?: Partial<RequestMetadata>;
  /** Never a secret. */
  details?: Record<string, unknown>;
}

/**
 * Emitted (awaited, with emitAsync) for every password/refresh login attempt; the audit module writes login_history.
 */
export const LOGIN_ATTEMPT = 'auth.login_attempt';

export interface LoginAttemptInput {
  userId: string | null;
  usernameAttempted: string | null;
  success: boolean;
  failureReason?:
    | 'unknown_user'
    | 'bad_password'
    | 'bad_mfa_code'
    | 'account_locked'
    | 'inactive'
    | 'suspended'
    | 'email_not_verified'
    | null;
  method: 'password' | 'oauth2_password' | 'refresh' | 'passkey' | 'current_password';
  /** The second factor given (or tried): totp, recovery_code or webauthn. */
  secondFactor?: 'totp' | 'recovery_code' | 'webauthn' | null;
  meta: Partial<RequestMetadata>;
  sessionId?: string | null;
  jwtJti?: string | null;
}

/** Emitted (awaited, with emitAsync) when a session is signed out of; the audit module stamps its login_history row. */
export const LOGOUT = 'auth.logout';

export interface LogoutInput {
  sessionId: string;
  at: Date;
}
