import type { UserOut, UserStatus } from './types';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateTime.format(d);
}

export function formatNumber(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString() : '—';
}

export function isLocked(u: UserOut, now = Date.now()): boolean {
  return !!u.locked_until && new Date(u.locked_until).getTime() > now;
}

/** Every status that applies, "active" first when the user can sign in (a user can be active and unverified). */
export function statusesOf(u: UserOut): UserStatus[] {
  const locked = isLocked(u);
  const s: UserStatus[] = [];
  if (u.is_active && !u.is_suspended && !locked) s.push('active');
  if (u.is_suspended) s.push('suspended');
  if (locked) s.push('locked');
  if (!u.is_active) s.push('inactive');
  if (!u.is_verified) s.push('unverified');
  return s;
}

export function shortUserAgent(ua: string | null | undefined): string {
  if (!ua) return '—';
  return ua.length > 80 ? `${ua.slice(0, 77)}…` : ua;
}

export const STATUSES: UserStatus[] = ['active', 'inactive', 'suspended', 'locked', 'unverified'];

export function label(s: string): string {
  const t = s.replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}
