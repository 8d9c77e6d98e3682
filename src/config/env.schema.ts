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

  /** Trust X-Forwarded-For from a proxy in front: false, true, a hop count, or a comma-separated list of proxy IPs/CIDRs. */
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

  /** Alias of SECRET_KEY (seed 002's name). */
  @IsOptional()
  @IsString()
  JWT_SECRET_KEY?: string;

  /** JWT algorithm: HS256, HS384 or HS512. */
  @IsIn(['HS256', 'HS384', 'HS512'], { message: 'ALGORITHM must be one of HS256, HS384, HS512' })
  ALGORITHM: 'HS256' | 'HS384' | 'HS512' = 'HS256';

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

  /** Largest accepted request body in bytes (transcripts can be a few MB). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 10 * 1024 * 1024;

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
  @Matches(/^[^:\x00-\x1f]{1,64}$/, { message: 'WEBAUTHN_RP_NAME must be 1–64 characters without ":" or controls' })
  WEBAUTHN_RP_NAME = 'Voicegate';
}
