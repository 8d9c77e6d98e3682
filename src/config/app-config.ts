import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { EnvironmentVariables, SECRET_VARIABLES } from './env.schema';

export type DatabaseConfig =
  { type: 'better-sqlite3'; database: string } | { type: 'postgres'; url: string; poolSize: number };

export interface RateLimitWindows {
  perMinute: number;
  perHour: number;
  perDay: number;
}

export type HmacAlgorithm = 'HS256' | 'HS384' | 'HS512';
export type AsymmetricAlgorithm = 'EdDSA' | 'ES256' | 'RS256';
export type JwtAlgorithm = HmacAlgorithm | AsymmetricAlgorithm;
export const isAsymmetric = (alg: JwtAlgorithm): alg is AsymmetricAlgorithm => !alg.startsWith('HS');

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  logLevel: string;
  trustProxy: boolean | number | string[];
  corsOrigins: string[];
  bodyLimit: number;
  /** Body limit of the one route transcripts arrive on (PATCH /jobs/{id}). */
  transcriptBodyLimit: number;
  database: DatabaseConfig;
  redisUrl?: string;
  migrationsRun: boolean;
  jwt: {
    secret: string;
    algorithm: JwtAlgorithm;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    issuer: string;
    /** Automatic signing-key rotation interval (asymmetric algorithms); 0 = manual only. */
    keyRotationSeconds: number;
  };
  encryptionKeys: string[];
  serviceKeyServices: string[];
  bcryptRounds: number;
  /** bcrypt threads, and the instance-wide cap on password work in progress (running + queued). */
  passwordHashing: { threads: number; maxPending: number };
  /** Whole-request and idle-connection timeouts (ms, 0: none), so slow clients cannot hold connections forever. */
  timeouts: { requestMs: number; connectionMs: number };
  /** Largest transcript a job stores (bytes of UTF-8). */
  transcriptMaxBytes: number;
  lockout: { maxAttempts: number; minutes: number };
  allowApiKeyQuery: boolean;
  apiKeysPerUser: number;
  admin: { email?: string; username?: string; password?: string };
  rateLimit: {
    enabled: boolean;
    user: RateLimitWindows;
    adminMultiplier: number;
    anonymous: RateLimitWindows;
    authPerMinute: number;
  };
  auditRetentionDays: number;
  /** Forward-auth route classes, as GATE_ROUTES gives them (`/prefix=kind,…`). */
  gateRoutes: string;
  /** Monthly quota defaults per user; null = unlimited. */
  quota: {
    transcriptions: number | null;
    translations: number | null;
    tts: number | null;
    audioSeconds: number | null;
  };
  mail: MailConfig;
  webhooks: {
    /** Delay before each retry of a failed delivery; its length is the number of retries. */
    retryScheduleMs: number[];
    /** Private, loopback, link-local and unspecified addresses accepted as endpoints. */
    allowPrivate: boolean;
    timeoutMs: number;
    /** 0: this instance runs no delivery worker. */
    pollMs: number;
  };
  /** Passkeys (WebAuthn) and the TOTP issuer name. */
  webauthn: { rpId: string; origins: string[]; rpName: string };
  /** Secrets that were generated for development and kept in this file (undefined when given). */
  generatedSecretsFile?: string;
}

/** How mail leaves: SMTP, .eml files beside the database (development), or not at all (production without SMTP). */
export type MailMode = 'smtp' | 'files' | 'disabled';

export interface MailConfig {
  mode: MailMode;
  smtpUrl?: string;
  from: string;
  /** Without a trailing slash. */
  publicUrl: string;
  /** Where `files` mode writes its .eml files. */
  dir: string;
  requireVerifiedEmail: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const PLACEHOLDERS = [
  /^your[-_]/i,
  /change[-_ ]?(me|in[-_ ]production)/i,
  /^secret$/i,
  /^changeme$/i,
  /^placeholder/i,
  /^x+$/i,
];
const isPlaceholder = (v: string) => PLACEHOLDERS.some((re) => re.test(v.trim()));
const FERNET_KEY = /^[A-Za-z0-9_-]{43}=$/;

/** Accepts the seeds' spellings: sqlite+aiosqlite:///./x.db, postgresql+asyncpg://…, postgresql://…, postgres://… */
export function parseDatabaseUrl(url: string | undefined, poolSize = 10, cwd = process.cwd()): DatabaseConfig {
  if (!url || url.trim() === '') return { type: 'better-sqlite3', database: resolve(cwd, 'data/voicegate.db') };
  const u = url.trim();
  const pg = /^postgres(?:ql)?(?:\+[a-z0-9]+)?:\/\//i.exec(u);
  if (pg) return { type: 'postgres', url: 'postgres://' + u.slice(pg[0].length), poolSize };
  const sq = /^sqlite(?:\+[a-z0-9]+)?:(.*)$/i.exec(u);
  if (sq) {
    let path = sq[1];
    if (path.startsWith('///'))
      path = path.slice(3); // sqlite:///./x.db (relative, SQLAlchemy style)
    else if (path.startsWith('//')) path = path.slice(2);
    if (path === ':memory:' || path === '') return { type: 'better-sqlite3', database: ':memory:' };
    return { type: 'better-sqlite3', database: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  throw new ConfigError([`DATABASE_URL must be a postgres:// or sqlite: URL (got scheme "${u.split(':')[0]}")`]);
}

const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10s,1m,2h` → milliseconds (the schema has checked the shape). */
export function parseDurations(list: string): number[] {
  return list.split(',').map((part) => {
    const [, n, unit] = /^\s*(\d+)(ms|s|m|h|d)\s*$/.exec(part)!;
    return Number(n) * DURATION_UNIT_MS[unit];
  });
}

function parseTrustProxy(v: string): boolean | number | string[] {
  const s = v.trim().toLowerCase();
  if (s === '' || s === 'false' || s === '0') return false;
  if (s === 'true') return true;
  if (/^\d+$/.test(s)) return Number(s);
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

function formatErrors(errors: ReturnType<typeof validateSync>): string[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((msg) =>
      SECRET_VARIABLES.has(e.property)
        ? `${e.property}: ${msg.replace(String(e.value), '***')}`
        : `${e.property}: ${msg} (got "${String(e.value)}")`,
    ),
  );
}

/** Loads, validates and resolves the configuration. Throws ConfigError naming every bad variable. */
export function loadConfig(
  source: NodeJS.ProcessEnv = process.env,
  opts: { cwd?: string; persistDevSecrets?: boolean } = {},
): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(new EnvironmentVariables()))
    if (source[key] !== undefined && source[key] !== '') raw[key] = source[key];
  for (const key of [
    'DATABASE_URL',
    'REDIS_URL',
    'SECRET_KEY',
    'JWT_SECRET_KEY',
    'ENCRYPTION_KEY',
    'ADMIN_EMAIL',
    'ADMIN_USERNAME',
    'ADMIN_PASSWORD',
    'QUOTA_TRANSCRIPTIONS_PER_MONTH',
    'QUOTA_TRANSLATIONS_PER_MONTH',
    'QUOTA_TTS_PER_MONTH',
    'QUOTA_AUDIO_SECONDS_PER_MONTH',
    'SMTP_URL',
    'WEBHOOK_ALLOW_PRIVATE',
  ])
    if (source[key] !== undefined && source[key] !== '') raw[key] = source[key];
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const problems = formatErrors(validateSync(env, { skipMissingProperties: false }));
  if (problems.length) throw new ConfigError(problems);

  const database = parseDatabaseUrl(env.DATABASE_URL, env.DATABASE_POOL_SIZE, opts.cwd);
  const production = env.NODE_ENV === 'production';
  let secret = env.SECRET_KEY ?? env.JWT_SECRET_KEY;
  let encryption = env.ENCRYPTION_KEY;
  let generatedSecretsFile: string | undefined;

  if (secret !== undefined && isPlaceholder(secret)) {
    if (production) problems.push('SECRET_KEY: is a placeholder; generate one with `npm run cli -- generate-secrets`');
    else secret = undefined;
  }
  if (encryption !== undefined && isPlaceholder(encryption)) {
    if (production)
      problems.push('ENCRYPTION_KEY: is a placeholder; generate one with `npm run cli -- generate-secrets`');
    else encryption = undefined;
  }
  if (production && !secret) problems.push('SECRET_KEY: is required when NODE_ENV=production');
  if (production && !encryption) problems.push('ENCRYPTION_KEY: is required when NODE_ENV=production');
  if (secret && secret.length < 32) problems.push('SECRET_KEY: must be at least 32 characters');
  const encryptionKeys = (encryption ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  encryptionKeys.forEach((k, i) => {
    if (!FERNET_KEY.test(k))
      problems.push(`ENCRYPTION_KEY: key #${i + 1} is not a Fernet key (32 url-safe base64 bytes, 44 characters)`);
  });
  const webauthnOrigins = parseWebauthnOrigins(env.WEBAUTHN_ORIGINS, env.WEBAUTHN_RP_ID, problems);
  if (env.ADMIN_PASSWORD && !(env.ADMIN_EMAIL && env.ADMIN_USERNAME))
    problems.push('ADMIN_PASSWORD: needs ADMIN_EMAIL and ADMIN_USERNAME as well');
  if (production && env.SMTP_URL && !source.PUBLIC_URL)
    problems.push('PUBLIC_URL: is required when SMTP_URL is set in production (mails carry links to it)');
  if (problems.length) throw new ConfigError(problems);
  const dataDir =
    database.type === 'better-sqlite3' && database.database !== ':memory:'
      ? dirname(database.database)
      : resolve(opts.cwd ?? process.cwd(), 'data');

  if (!secret || encryptionKeys.length === 0) {
    // Development: generate once and keep beside the SQLite file so restarts lose nothing.
    const dir =
      database.type === 'better-sqlite3' && database.database !== ':memory:'
        ? dirname(database.database)
        : resolve(opts.cwd ?? process.cwd(), 'data');
    const file = join(dir, '.voicegate-secrets.json');
    const stored = readSecretsFile(file);
    const next = {
      SECRET_KEY: stored.SECRET_KEY ?? randomBytes(48).toString('base64url'),
      ENCRYPTION_KEY: stored.ENCRYPTION_KEY ?? randomBytes(32).toString('base64url') + '=',
    };
    if (opts.persistDevSecrets !== false && (!stored.SECRET_KEY || !stored.ENCRYPTION_KEY)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    secret ??= next.SECRET_KEY;
    if (encryptionKeys.length === 0) encryptionKeys.push(next.ENCRYPTION_KEY);
    generatedSecretsFile = file;
  }

  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    corsOrigins: env.CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    bodyLimit: env.BODY_LIMIT_BYTES,
    transcriptBodyLimit: env.TRANSCRIPT_BODY_LIMIT_BYTES,
    database,
    redisUrl: env.REDIS_URL,
    migrationsRun: env.MIGRATIONS_RUN,
    jwt: {
      secret,
      algorithm: env.ALGORITHM,
      accessTtlSeconds: env.ACCESS_TOKEN_EXPIRE_MINUTES * 60,
      refreshTtlSeconds: env.REFRESH_TOKEN_EXPIRE_DAYS * 86400,
      issuer: env.JWT_ISSUER,
      keyRotationSeconds: env.SIGNING_KEY_ROTATION_DAYS * 86400,
    },
    encryptionKeys,
    serviceKeyServices: env.SERVICE_KEY_SERVICES.split(','),
    bcryptRounds: env.BCRYPT_ROUNDS,
    passwordHashing: {
      threads: env.PASSWORD_HASH_THREADS || Math.max(1, availableParallelism() - 1),
      maxPending: env.PASSWORD_HASH_MAX_PENDING,
    },
    timeouts: { requestMs: env.REQUEST_TIMEOUT_MS, connectionMs: env.CONNECTION_TIMEOUT_MS },
    transcriptMaxBytes: env.TRANSCRIPT_MAX_BYTES,
    lockout: { maxAttempts: env.LOCKOUT_MAX_ATTEMPTS, minutes: env.LOCKOUT_MINUTES },
    allowApiKeyQuery: env.ALLOW_API_KEY_QUERY,
    apiKeysPerUser: env.API_KEYS_PER_USER,
    admin: { email: env.ADMIN_EMAIL, username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD },
    rateLimit: {
      enabled: env.RATE_LIMIT_ENABLED,
      user: {
        perMinute: env.RATE_LIMIT_USER_PER_MINUTE,
        perHour: env.RATE_LIMIT_USER_PER_HOUR,
        perDay: env.RATE_LIMIT_USER_PER_DAY,
      },
      adminMultiplier: env.RATE_LIMIT_ADMIN_MULTIPLIER,
      anonymous: {
        perMinute: env.RATE_LIMIT_ANON_PER_MINUTE,
        perHour: env.RATE_LIMIT_ANON_PER_HOUR,
        perDay: env.RATE_LIMIT_ANON_PER_DAY,
      },
      authPerMinute: env.RATE_LIMIT_AUTH_PER_MINUTE,
    },
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    gateRoutes: env.GATE_ROUTES,
    quota: {
      transcriptions: env.QUOTA_TRANSCRIPTIONS_PER_MONTH ?? null,
      translations: env.QUOTA_TRANSLATIONS_PER_MONTH ?? null,
      tts: env.QUOTA_TTS_PER_MONTH ?? null,
      audioSeconds: env.QUOTA_AUDIO_SECONDS_PER_MONTH ?? null,
    },
    mail: {
      mode: env.SMTP_URL ? 'smtp' : production ? 'disabled' : 'files',
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM,
      publicUrl: env.PUBLIC_URL.replace(/\/+$/, ''),
      dir: join(dataDir, 'mail'),
      requireVerifiedEmail: env.REQUIRE_VERIFIED_EMAIL,
    },
    webhooks: {
      retryScheduleMs: parseDurations(env.WEBHOOK_RETRY_SCHEDULE),
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE ?? !production,
      timeoutMs: env.WEBHOOK_TIMEOUT_SECONDS * 1000,
      pollMs: env.WEBHOOK_POLL_SECONDS * 1000,
    },
    webauthn: { rpId: env.WEBAUTHN_RP_ID, origins: webauthnOrigins, rpName: env.WEBAUTHN_RP_NAME },
    generatedSecretsFile,
  };
}

/** Each origin is scheme://host[:port] on the RP id or a subdomain of it, over https (browsers allow http for localhost only). */
function parseWebauthnOrigins(value: string, rpId: string, problems: string[]): string[] {
  const origins = value
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (!origins.length) problems.push('WEBAUTHN_ORIGINS: must list at least one origin');
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      problems.push(`WEBAUTHN_ORIGINS: "${origin}" is not a URL`);
      continue;
    }
    if (url.origin !== origin.replace(/\/$/, ''))
      problems.push(`WEBAUTHN_ORIGINS: "${origin}" must be an origin (scheme://host[:port], no path)`);
    else if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`))
      problems.push(`WEBAUTHN_ORIGINS: "${origin}" is not on WEBAUTHN_RP_ID (${rpId}) or a subdomain of it`);
    else if (url.protocol !== 'https:' && !(url.protocol === 'http:' && url.hostname === 'localhost'))
      problems.push(`WEBAUTHN_ORIGINS: "${origin}" must use https (http only for localhost)`);
  }
  return origins.map((o) => o.replace(/\/$/, ''));
}

function readSecretsFile(file: string): { SECRET_KEY?: string; ENCRYPTION_KEY?: string } {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new ConfigError([
      `${file}: cannot be read as JSON; fix or delete it (it holds the generated development secrets)`,
    ]);
  }
}

/** Loads ./.env into process.env when present (variables already set win), as "copy .env.example to .env" promises. */
export function loadDotEnv(file = resolve(process.cwd(), '.env')): string | undefined {
  if (!existsSync(file)) return undefined;
  process.loadEnvFile(file);
  return file;
}
