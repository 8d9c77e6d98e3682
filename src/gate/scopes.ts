import { Principal } from '../common/principal';
import { Role } from '../users/users.enums';
import { UsageKind } from '../users/quota';

/** Every scope a credential can hold; `admin` and `introspect` only an admin holds. */
export const USER_SCOPES = [
  'profile:read',
  'profile:write',
  'jobs:read',
  'jobs:write',
  'service_keys:read',
  'service_keys:write',
  'transcribe',
  'translate',
  'tts',
] as const;
export const ADMIN_SCOPES = [...USER_SCOPES, 'admin', 'introspect'] as const;

/** What the gate needs of a principal beyond part one's: an API key's scopes (undefined: every scope) and id. */
export interface ScopedPrincipal {
  scopes?: readonly string[];
  keyId?: string;
}

/** The scope a route class needs (plain requests need none). */
export const CLASS_SCOPE: Record<UsageKind, string | null> = {
  requests: null,
  transcriptions: 'transcribe',
  translations: 'translate',
  tts: 'tts',
};

/** The scopes a principal holds: its key's, else (a JWT, an all-scope key) every scope its user's role holds. */
export function scopesOf(principal: Principal & ScopedPrincipal): readonly string[] {
  return principal.scopes ?? (principal.user.role === Role.Admin ? ADMIN_SCOPES : USER_SCOPES);
}

/** `X-Scopes`, space-separated as OAuth's `scope`; built once per scope list. */
const joined = new WeakMap<readonly string[], string>();
export function scopeHeader(scopes: readonly string[]): string {
  let s = joined.get(scopes);
  if (s === undefined) joined.set(scopes, (s = scopes.join(' ')));
  return s;
}
