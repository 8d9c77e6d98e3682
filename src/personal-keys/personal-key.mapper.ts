import { Role } from '../users/users.enums';
import { PersonalKeyResponseDto } from './dto/personal-key.dto';
import { PersonalKey } from './entities/personal-key.entity';
import { parseScopes } from './key-registry.service';
import { ROLE_SCOPES } from '../common/scopes';

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** A key as the API shows it: never its hashes, never the key (only the creation and roll answers add it). */
export function toPersonalKeyOut(k: PersonalKey, ownerRole: Role, lastUsedPending?: number): PersonalKeyResponseDto {
  const own = parseScopes(k.scopes);
  const scopes = own ? own.filter((s) => ROLE_SCOPES[ownerRole].includes(s)) : [...ROLE_SCOPES[ownerRole]];
  const stored = k.lastUsedAt ? new Date(k.lastUsedAt).getTime() : 0;
  const lastUsed = Math.max(stored, lastUsedPending ?? 0);
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes,
    all_scopes: own === null,
    expires_at: iso(k.expiresAt),
    rate_limits: { per_minute: k.rateLimitPerMinute, per_hour: k.rateLimitPerHour, per_day: k.rateLimitPerDay },
    created_at: iso(k.createdAt)!,
    last_used_at: lastUsed ? new Date(lastUsed).toISOString() : null,
    rolled_at: iso(k.rolledAt),
    previous_key_expires_at: iso(k.previousExpiresAt),
  };
}
