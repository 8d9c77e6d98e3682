import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { EnvironmentVariables, SECRET_VARIABLES } from './env.schema';

export type DatabaseConfig =
  { type: 'better-sqlite3'; database: string } | { type: 'postgres'; url: string; poolSize: number };

export interface RateLimitWindows {
  perMinute: number;
  perHour: number;
  perDay: number;
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  logLevel: string;
  trustProxy: boolean | number | string[];
  corsOrigins: string[];
  bodyLimit: number;
  database: DatabaseConfig;
  redisUrl?: string;
  migrationsRun: boolean;
  jwt: {
    secret: string;
    algorithm: 'HS256' | 'HS384' | 'HS512';
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    issuer: string;
  };
  encryptionKeys: string[];
  serviceKeyServices: string[];
  bcryptRounds: number;
  lockout: { maxAttempts: number; minutes: number };
  allowApiKeyQuery: boolean;
  admin: { email?: string; username?: string; password?: string };
  rateLimit: {
    enabled: boolean;
    user: RateLimitWindows;
    adminMultiplier: number;
    anonymous: RateLimitWindows;
    authPerMinute: number;
  };
  auditRetentionDays: number;
  /** Passkeys (WebAuthn) and the TOTP issuer name. */
  webauthn: { rpId: string; origins: string[]; rpName: string };
  /** Secrets that were generated for development and kept in this file (undefined when given). */
  generatedSecretsFile?: string;
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
  if (problems.length) throw new ConfigError(problems);

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
    database,
    redisUrl: env.REDIS_URL,
    migrationsRun: env.MIGRATIONS_RUN,
    jwt: {
      secret,
      algorithm: env.ALGORITHM,
      accessTtlSeconds: env.ACCESS_TOKEN_EXPIRE_MINUTES * 60,
      refreshTtlSeconds: env.REFRESH_TOKEN_EXPIRE_DAYS * 86400,
      issuer: 'voicegate',
    },
    encryptionKeys,
    serviceKeyServices: env.SERVICE_KEY_SERVICES.split(','),
    bcryptRounds: env.BCRYPT_ROUNDS,
    lockout: { maxAttempts: env.LOCKOUT_MAX_ATTEMPTS, minutes: env.LOCKOUT_MINUTES },
    allowApiKeyQuery: env.ALLOW_API_KEY_QUERY,
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
