import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  const v = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};

/** Marks a variable as secret: its value is never printed (config errors, logs). */
export const SECRET_VARIABLES = new Set([
  'SECRET_KEY',
  'JWT_SECRET_KEY',
  'ENCRYPTION_KEY',
  'ADMIN_PASSWORD',
  'DATABASE_URL',
  'REDIS_URL',
  'SMTP_URL',
]);

/**
 * Every environment variable Voicegate reads, with its default and a one-line description.
 * `docs/configuration.md`-style tables in the README are checked against this class by a test.
 */
export class EnvironmentVariables {
  /** Database URL: unset → sqlite:data/voicegate.db; postgres://… for PostgreSQL. */
  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  /** Redis URL (redis://host:6379/0); when set, rate limits and revocation are shared between instances. */
  @IsOptional()
  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must start with redis:// or rediss://' })
  REDIS_URL?: string;

  /** HTTP port. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8000;

  /** Interface to listen on. */
  @IsString()
  HOST = '0.0.0.0';

  /** development | production | test. */
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  /** fatal | error | warn | info | debug | trace | silent. */
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /**
   * Trust X-Forwarded-For from a proxy in front: false, true, a hop count, or a comma-separated list of proxy
   * IPs/CIDRs.
   */
  @IsString()
  TRUST_PROXY = 'false';

  /** Comma-separated exact origins allowed by CORS (empty: CORS off). */
  @IsString()
  CORS_ORIGINS = '';

  /** PostgreSQL connection pool size. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** JWT signing secret (≥32 characters). Generated and kept in data/ in development when unset. */
  @IsOptional()
  @IsString()
  SECRET_KEY?: string;

  /** Alias of SECRET_KEY (the name older deployments use). */
  @IsOptional()
  @IsString()
  JWT_SECRET_KEY?: string;

  /** JWT algorithm: HS256, HS384, HS512 (SECRET_KEY), or EdDSA, ES256, RS256 (key pairs, published as JWKS). */
  @IsIn(['HS256', 'HS384', 'HS512', 'EdDSA', 'ES256', 'RS256'], {
    message: 'ALGORITHM must be one of HS256, HS384, HS512, EdDSA, ES256, RS256',
  })
  ALGORITHM: 'HS256' | 'HS384' | 'HS512' | 'EdDSA' | 'ES256' | 'RS256' = 'HS256';

  /** The tokens' `iss` and the OpenID discovery `issuer`; set it to the public base URL (https://auth.example.com) for discovery clients. */
  @IsString()
  @Matches(/^\S{1,255}$/, { message: 'JWT_ISSUER must be 1–255 characters without spaces' })
  JWT_ISSUER = 'voicegate';

  /** Days between automatic signing-key rotations under EdDSA/ES256/RS256 (0: only `cli rotate-signing-key`). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3650)
  SIGNING_KEY_ROTATION_DAYS = 90;

  /** Access-token lifetime in minutes. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  ACCESS_TOKEN_EXPIRE_MINUTES = 30;

  /** Refresh-token (and session) lifetime in days. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  REFRESH_TOKEN_EXPIRE_DAYS = 30;

  /** Fernet key(s) for service keys, comma-separated: the first encrypts, all decrypt. */
  @IsOptional()
  @IsString()
  ENCRYPTION_KEY?: string;

  /** Comma-separated service slugs accepted for stored service keys. */
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]*(,[a-z0-9][a-z0-9_-]*)*$/, {
    message: 'SERVICE_KEY_SERVICES must be comma-separated lower-case slugs',
  })
  SERVICE_KEY_SERVICES = 'openai,huggingface,anthropic,deepgram,assemblyai,elevenlabs,deepl,google,azure';

  /** bcrypt cost (4–15; low values are for tests only). */
  @Transform(toInt)
  @IsInt()
  @Min(4)
  @Max(15)
  BCRYPT_ROUNDS = 12;

  /** Consecutive failed logins before the account locks. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  LOCKOUT_MAX_ATTEMPTS = 5;

  /** Lock duration in minutes. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10080)
  LOCKOUT_MINUTES = 30;

  /** Accept ?api_key=tk_… in the query string. */
  @Transform(toBool)
  @IsBoolean()
  ALLOW_API_KEY_QUERY = true;

  /** Most API keys a user may hold, the `default` key included. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  API_KEYS_PER_USER = 25;

  /** Run pending migrations at start-up. */
  @Transform(toBool)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  /** First admin, created at start-up when no admin exists. */
  @IsOptional()
  @IsString()
  ADMIN_EMAIL?: string;

  /** First admin's username. */
  @IsOptional()
  @IsString()
  ADMIN_USERNAME?: string;

  /** First admin's password. */
  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  /** Turn rate limiting off (for local experiments; never in production). */
  @Transform(toBool)
  @IsBoolean()
  RATE_LIMIT_ENABLED = true;

  /** Requests per minute for a user. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_USER_PER_MINUTE = 30;

  /** Requests per hour for a user. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_USER_PER_HOUR = 500;

  /** Requests per day for a user. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_USER_PER_DAY = 5000;

  /** Admins' limits are the user limits times this. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  RATE_LIMIT_ADMIN_MULTIPLIER = 10;

  /** Requests per minute for an anonymous client IP. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_ANON_PER_MINUTE = 60;

  /** Requests per hour for an anonymous client IP. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_ANON_PER_HOUR = 1000;

  /** Requests per day for an anonymous client IP. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_ANON_PER_DAY = 10000;

  /** Per-IP requests per minute on register/token/login/refresh. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_AUTH_PER_MINUTE = 20;

  /** Days of login history and security events kept by `cli cleanup` (0 keeps everything). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  AUDIT_RETENTION_DAYS = 365;

  /** Largest accepted request body in bytes on every route but PATCH /jobs/{id} (auth, profile, admin, …). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 64 * 1024;

  /** Largest accepted request body in bytes on PATCH /jobs/{id}, where transcripts arrive. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  TRANSCRIPT_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

  /** Password hashing threads (0: one fewer than the CPU cores, at least 1, so a core is left to the event loop). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(64)
  PASSWORD_HASH_THREADS = 0;

  /** Password checks and hashes in progress (running and queued) per instance; past it: 503 with Retry-After. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  PASSWORD_HASH_MAX_PENDING = 16;

  /** Forward-auth route classes: comma-separated `prefix=kind` (kinds transcriptions, translations, tts, requests). */
  @IsString()
  @Matches(
    /^\/[^,=\s]*=(transcriptions|translations|tts|requests)(,\/[^,=\s]*=(transcriptions|translations|tts|requests))*$/,
    {
      message:
        'GATE_ROUTES must be comma-separated /prefix=kind pairs (kind: transcriptions, translations, tts, requests)',
    },
  )
  GATE_ROUTES = '/transcribe=transcriptions,/translate=translations,/tts=tts';

  /** Default monthly quota of transcriptions per user (unset: unlimited). */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  QUOTA_TRANSCRIPTIONS_PER_MONTH?: number;

  /** Default monthly quota of translations per user (unset: unlimited). */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  QUOTA_TRANSLATIONS_PER_MONTH?: number;

  /** Default monthly quota of TTS requests per user (unset: unlimited). */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  QUOTA_TTS_PER_MONTH?: number;

  /** Default monthly quota of audio seconds per user (unset: unlimited). */
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  QUOTA_AUDIO_SECONDS_PER_MONTH?: number;

  /** SMTP server for mail (smtp:// or smtps://, user and password in it); unset: .eml files in data/mail/ (development), email routes off (production). */
  @IsOptional()
  @IsString()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'SMTP_URL must start with smtp:// or smtps://' })
  SMTP_URL?: string;

  /** Sender of every mail: an address, or "Name <address>". */
  @IsString()
  @Matches(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
    message: 'MAIL_FROM must be an address or "Name <address>"',
  })
  MAIL_FROM = 'Voicegate <no-reply@localhost>';

  /** Public base URL of this service, used in the links mails carry (PUBLIC_URL/account/…). */
  @IsString()
  @Matches(/^https?:\/\/[^\s?#]+$/, { message: 'PUBLIC_URL must be an http(s) URL without query or fragment' })
  PUBLIC_URL = 'http://localhost:8000';

  /** Refuse sign-in (403 "Email not verified") to users who have not verified their email address. */
  @Transform(toBool)
  @IsBoolean()
  REQUIRE_VERIFIED_EMAIL = false;

  /** Delays before each retry of a failed webhook delivery (comma-separated, units ms/s/m/h/d; at most 30). */
  @Matches(/^\s*\d+(ms|s|m|h|d)\s*(,\s*\d+(ms|s|m|h|d)\s*){0,29}$/, {
    message: 'WEBHOOK_RETRY_SCHEDULE must be comma-separated durations such as 10s,1m,5m,30m,2h,6h,15h',
  })
  WEBHOOK_RETRY_SCHEDULE = '10s,1m,5m,30m,2h,6h,15h';

  /** Let webhook endpoints be private, loopback or link-local (unset: refused in production, allowed otherwise). */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE?: boolean;

  /** Seconds a webhook receiver has to answer one delivery (connect to response) before the try counts as failed. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60)
  WEBHOOK_TIMEOUT_SECONDS = 10;

  /** Seconds between this instance's looks for due webhook deliveries (0: it sends none; other instances do). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  WEBHOOK_POLL_SECONDS = 5;

  /** Milliseconds a client has to send a whole request, headers and body (0: no limit). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  REQUEST_TIMEOUT_MS = 60_000;

  /** Milliseconds a connection may stay silent before it is closed (0: no limit). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CONNECTION_TIMEOUT_MS = 75_000;

  /** Largest transcript a job may store, in bytes of UTF-8 (larger: 413). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  TRANSCRIPT_MAX_BYTES = 5 * 1024 * 1024;
  /** WebAuthn relying-party id: the host name passkeys are bound to (the site's domain, no scheme or port). */
  @IsString()
  @Matches(/^(localhost|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$/, {
    message: 'WEBAUTHN_RP_ID must be a host name such as example.com or localhost (no scheme, port or IP address)',
  })
  WEBAUTHN_RP_ID = 'localhost';

  /** Comma-separated origins (scheme://host[:port]) whose pages may use passkeys; each on WEBAUTHN_RP_ID or below. */
  @IsString()
  WEBAUTHN_ORIGINS = 'http://localhost:8000';

  /** Service name shown by authenticators (passkeys) and authenticator apps (TOTP issuer). */
  @IsString()
  // eslint-disable-next-line no-control-regex -- control characters are what the class excludes
  @Matches(/^[^:\x00-\x1f]{1,64}$/, { message: 'WEBAUTHN_RP_NAME must be 1–64 characters without ":" or controls' })
  WEBAUTHN_RP_NAME = 'Voicegate';
}
