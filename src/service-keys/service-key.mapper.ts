import { ServiceKeyResponseDto } from './dto/service-key-response.dto';
import { ServiceKey } from './entities/service-key.entity';

const ELLIPSIS = '\u2026';

/** "…abcd": at most the last 4 characters, one for every 8 of the key (15 characters show 1, 7 show none). */
export function keyPreview(plaintext: string): string {
  const chars = Array.from(plaintext);
  const shown = Math.min(4, Math.floor(chars.length / 8));
  return ELLIPSIS + (shown ? chars.slice(-shown).join('') : '');
}

/**
 * A preview stored before the rule above (3 leading + 4 trailing characters, the key's length unknown) is shown
 * as its last character only, which the rule allows for any key long enough to have had such a preview.
 */
function storedPreview(preview: string | null): string | null {
  if (!preview || preview.startsWith(ELLIPSIS)) return preview;
  const chars = Array.from(preview.slice(preview.indexOf(ELLIPSIS) + 1));
  return ELLIPSIS + chars.slice(-1).join('');
}

/** `preview` overrides the stored one (rows imported from the earlier service have none). */
export function toServiceKeyResponse(key: ServiceKey, preview: string | null = key.keyPreview): ServiceKeyResponseDto {
  return {
    id: key.id,
    service: key.service,
    key_name: key.keyName,
    key_preview: storedPreview(preview),
    created_at: new Date(key.createdAt).toISOString(),
    last_used_at: key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : null,
  };
}
