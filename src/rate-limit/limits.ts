import { normalizeIp } from '@nestjs/throttler';
import { AppConfig, RateLimitWindows } from '../config/app-config';
import { UserSnapshot } from '../common/principal';
import { Role } from '../common/role';

/** A user's effective windows: the admin-set overrides, else the role default (admins × multiplier). */
export function resolveUserLimits(
  config: AppConfig,
  role: Role,
  overrides: { perMinute: number | null; perHour: number | null; perDay: number | null },
): RateLimitWindows {
  const m = role === Role.Admin ? config.rateLimit.adminMultiplier : 1;
  const d = config.rateLimit.user;
  return {
    perMinute: overrides.perMinute ?? d.perMinute * m,
    perHour: overrides.perHour ?? d.perHour * m,
    perDay: overrides.perDay ?? d.perDay * m,
  };
}

export type WindowName = 'minute' | 'hour' | 'day' | 'key-minute' | 'key-hour' | 'key-day';

type WindowDef = { name: WindowName; ttlMs: number; field: keyof RateLimitWindows };

/** The three named windows, shortest first (the order they are counted in). */
export const WINDOWS: ReadonlyArray<WindowDef> = [
  { name: 'minute', ttlMs: 60_000, field: 'perMinute' },
  { name: 'hour', ttlMs: 3_600_000, field: 'perHour' },
  { name: 'day', ttlMs: 86_400_000, field: 'perDay' },
];

/** An API key's own windows, counted after (and on top of) its owner's. */
export const KEY_WINDOWS: ReadonlyArray<WindowDef> = WINDOWS.map((w) => ({
  ...w,
  name: `key-${w.name}` as WindowName,
}));

/** Every window a request may count, in counting order. */
export const ALL_WINDOWS: ReadonlyArray<WindowDef> = [...WINDOWS, ...KEY_WINDOWS];

export interface PlannedWindow {
  name: WindowName;
  ttlMs: number;
  limit: number;
  /** Storage key: identity, then scope (shared budget, auth group or one route), then window. */
  key: string;
}

export interface RateLimitPlan {
  identity: { kind: 'user'; userId: string } | { kind: 'ip'; ip: string };
  /** `all` (the identity's budget), `auth` (credential endpoints, per IP) or `route` (an endpoint override). */
  scope: 'all' | 'auth' | 'route';
  windows: Partial<Record<WindowName, PlannedWindow>>;
}

export interface PlanInput {
  /** The authenticated caller's snapshot (undefined on public routes). */
  user?: Pick<UserSnapshot, 'id' | 'role' | 'rateLimits'>;
  ip: string;
  /** The route is marked `@AuthRateLimit()`. */
  authRoute: boolean;
  /** `@RateLimit({...})` windows of the route. */
  override?: Partial<RateLimitWindows>;
  /** A stable name of the route (`Controller.handler`), for endpoint-override buckets. */
  route: string;
  /** The API key the request came with, when it has limits of its own (null fields: no limit). */
  key?: { id: string; rateLimits: { perMinute: number | null; perHour: number | null; perDay: number | null } };
}

/**
 * Which counters a request increments, with which limits. Pure, so every rule is unit-tested:
 * - `@AuthRateLimit()` routes: one per-IP minute window of `authPerMinute` in its own `auth` bucket,
 *   so failed logins never eat a user's budget and a user's traffic never locks the login form;
 * - otherwise the user (all their tokens and their API key share one id) or the anonymous IP, with
 *   role defaults × admin multiplier and per-user overrides, or the anonymous per-IP defaults;
 * - `@RateLimit({...})`: each window it names replaces the identity's window on that route, counted in a
 *   bucket of its own (absolute numbers, no admin multiplier); windows it does not name stay shared;
 * - an API key with limits of its own: those windows too, in the key's own buckets.
 */
export function planRateLimit(config: AppConfig, input: PlanInput): RateLimitPlan {
  const ip = normalizeIp(input.ip) || 'unknown';
  if (input.authRoute) {
    const w = WINDOWS[0];
    return {
      identity: { kind: 'ip', ip },
      scope: 'auth',
      windows: {
        minute: { name: w.name, ttlMs: w.ttlMs, limit: config.rateLimit.authPerMinute, key: `ip:${ip}:auth:${w.name}` },
      },
    };
  }
  const identity: RateLimitPlan['identity'] = input.user ? { kind: 'user', userId: input.user.id } : { kind: 'ip', ip };
  const id = identity.kind === 'user' ? `u:${identity.userId}` : `ip:${identity.ip}`;
  const base = input.user
    ? resolveUserLimits(config, input.user.role, input.user.rateLimits)
    : config.rateLimit.anonymous;
  const windows: RateLimitPlan['windows'] = {};
  let routeScoped = false;
  for (const w of WINDOWS) {
    const own = input.override?.[w.field];
    if (own !== undefined && own !== null) {
      routeScoped = true;
      windows[w.name] = { name: w.name, ttlMs: w.ttlMs, limit: own, key: `${id}:r:${input.route}:${w.name}` };
    } else windows[w.name] = { name: w.name, ttlMs: w.ttlMs, limit: base[w.field], key: `${id}:${w.name}` };
  }
  if (input.user && input.key)
    for (const w of KEY_WINDOWS) {
      const limit = input.key.rateLimits[w.field];
      if (limit !== null) windows[w.name] = { name: w.name, ttlMs: w.ttlMs, limit, key: `k:${input.key.id}:${w.name}` };
    }
  return { identity, scope: routeScoped ? 'route' : 'all', windows };
}
