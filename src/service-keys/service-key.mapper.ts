import { ServiceKeyResponseDto } from './dto/service-key-response.dto';
import { ServiceKey } from './entities/service-key.entity';

const ELLIPSIS = '\u2026';

/** "sk-…abcd": 3 leading + 4 trailing characters of long keys, only the last 2 of short ones, nothing of tiny ones. */
export function keyPreview(plaintext: string): string {
  const chars = Array.from(plaintext);
  if (chars.length >= 12) return chars.slice(0, 3).join('') + ELLIPSIS + chars.slice(-4).join('');
  if (chars.length >= 6) return ELLIPSIS + chars.slice(-2).join('');
  return ELLIPSIS;
}

/** `preview` overrides the stored one (rows imported from the earlier service have none). */
export function toServiceKeyResponse(key: ServiceKey, preview: string | null = key.keyPreview): ServiceKeyResponseDto {
  return {
    id: key.id,
    service: key.service,
    key_name: key.keyName,
    key_preview: preview,
    created_at: new Date(key.createdAt).toISOString(),
    last_used_at: key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : null,
  };
}
