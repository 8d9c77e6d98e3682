import { Principal } from '../common/principal';
import { AppError, ErrorCode } from '../common/errors';
import { Role } from '../users/users.enums';

/** The scopes a stream token can carry: one speech route class each. */
export const STREAM_SCOPES = ['transcribe', 'translate', 'tts'] as const;
export type StreamScope = (typeof STREAM_SCOPES)[number];

/** Every scope there is; `admin` and `introspect` only for admins. */
export const ALL_SCOPES = [
  'profile:read',
  'profile:write',
  'jobs:read',
  'jobs:write',
  'service_keys:read',
  'service_keys:write',
  'transcribe',
  'translate',
  'tts',
  'admin',
  'introspect',
] as const;
const ADMIN_ONLY = new Set(['admin', 'introspect']);

/** The scopes a principal acts with: a key's own list, or (a JWT, an all-scope key) every scope its owner holds. */
export function scopesOf(principal: Principal): readonly string[] {
  const own = (principal as Principal & { scopes?: readonly string[] }).scopes;
  if (own) return own;
  return ALL_SCOPES.filter((s) => principal.user.role === Role.Admin || !ADMIN_ONLY.has(s));
}

/** 403 with RFC 6750's `insufficient_scope` challenge. */
export function insufficientScope(scope: string, detail = `This needs the scope "${scope}"`): AppError {
  return new AppError(ErrorCode.InsufficientScope, detail, {
    headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
    extensions: { error: 'insufficient_scope' },
  });
}

/** Introspection: an admin (JWT or all-scope key), or a key holding `introspect` (or `admin`, for an admin's key). */
export function mayIntrospect(principal: Principal): boolean {
  const scopes = scopesOf(principal);
  return scopes.includes('introspect') || (scopes.includes('admin') && principal.user.role === Role.Admin);
}
