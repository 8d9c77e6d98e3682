import { randomUUID } from 'node:crypto';
import { isUuid } from '../common/pipes';
import { iso } from '../common/iso';
import { SecurityEventInput, Severity } from './audit.events';
import { LoginHistoryItemDto, SecurityEventItemDto } from './dto/audit-response.dto';
import { LoginHistory } from './entities/login-history.entity';
import { SecurityEvent } from './entities/security-event.entity';

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/**
 * `::ffff:203.0.113.9` (an IPv4 client on a dual-stack socket) → `203.0.113.9`, so one client has one address in the
 * trail.
 */
export function normalizeIp(ip: string | null | undefined): string | null {
  if (typeof ip !== 'string' || ip === '') return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return (mapped ? mapped[1] : ip).slice(0, 45);
}

// Keys whose values are secrets by name; emitters should never send them, this is the second line of defence.
const SECRET_KEY =
  /^(?:.*password|.*secret|(?:access_|refresh_|id_)?token|api_key|apikey|key|encrypted_key|authorization|cookie)$/i;
const MAX_DETAILS_JSON = 8_192;

/** Copies `details` without secret-named keys (at any depth) and bounded in size. */
export function sanitizeDetails(details: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!details || typeof details !== 'object') return null;
  const clean = (value: unknown, depth: number): unknown => {
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) return depth > 4 ? '[…]' : value.slice(0, 100).map((v) => clean(v, depth + 1));
    if (value && typeof value === 'object') {
      if (depth > 4) return '[…]';
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[REDACTED]' : clean(v, depth + 1);
      return out;
    }
    if (typeof value === 'string') return value.length > 1024 ? `${value.slice(0, 1024)}…` : value;
    if (typeof value === 'bigint') return value.toString();
    return value;
  };
  const out = clean(details, 0) as Record<string, unknown>;
  return JSON.stringify(out).length > MAX_DETAILS_JSON ? { truncated: true, keys: Object.keys(out).slice(0, 50) } : out;
}

const uuidOrNull = (v: unknown): string | null => (isUuid(v) ? v.toLowerCase() : null);

/**
 * A SECURITY_EVENT payload as the row it becomes: severity info unless the emitter set one, actor = the user unless
 * given.
 */
export function toSecurityEventRow(input: SecurityEventInput, now: Date): SecurityEvent {
  const row = new SecurityEvent();
  row.id = randomUUID();
  row.type = String(input.type).slice(0, 64);
  row.severity = input.severity && SEVERITIES.includes(input.severity) ? input.severity : 'info';
  row.userId = uuidOrNull(input.userId);
  row.actorId = input.actorId === undefined ? row.userId : uuidOrNull(input.actorId);
  row.ipAddress = normalizeIp(input.meta?.ip);
  row.userAgent = typeof input.meta?.userAgent === 'string' ? input.meta.userAgent.slice(0, 512) : null;
  row.requestId = typeof input.meta?.requestId === 'string' ? input.meta.requestId.slice(0, 128) : null;
  row.details = sanitizeDetails(input.details);
  row.createdAt = now;
  return row;
}

export function toSecurityEventOut(e: SecurityEvent): SecurityEventItemDto {
  return {
    id: e.id,
    type: e.type,
    severity: e.severity,
    user_id: e.userId,
    actor_id: e.actorId,
    ip_address: e.ipAddress,
    user_agent: e.userAgent,
    request_id: e.requestId,
    details: e.details ?? null,
    created_at: iso(e.createdAt) as string,
  };
}

/**
 * An event as the user it is about sees it: when someone else (an admin) acted, that actor's address, browser and
 * request id stay hidden; admins see everything.
 */
export function asSeenByOwner(e: SecurityEventItemDto): SecurityEventItemDto {
  if (!e.actor_id || e.actor_id === e.user_id) return e;
  return { ...e, ip_address: null, user_agent: null, request_id: null };
}

export function toLoginHistoryOut(h: LoginHistory): LoginHistoryItemDto {
  return {
    id: h.id,
    login_at: iso(h.loginAt) as string,
    logout_at: iso(h.logoutAt),
    login_method: h.loginMethod,
    second_factor: h.secondFactor ?? null,
    success: !!h.success,
    failure_reason: h.failureReason,
    ip_address: h.ipAddress,
    user_agent: h.userAgent,
    session_id: h.sessionId,
    suspicious: !!h.suspicious,
  };
}

/** One page of a list, in the contract's envelope. */
export interface Paginated<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
  pages: number;
}

export function paginated<T>(items: T[], total: number, page: number, perPage: number): Paginated<T> {
  return { items, total, page, per_page: perPage, pages: Math.ceil(total / perPage) };
}
