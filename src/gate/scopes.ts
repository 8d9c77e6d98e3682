import { Scope } from '../common/scopes';
import { UsageKind } from '../users/quota';

/** The scope a route class needs (plain requests need none). */
export const CLASS_SCOPE: Record<UsageKind, Scope | null> = {
  requests: null,
  transcriptions: 'transcribe',
  translations: 'translate',
  tts: 'tts',
};

/** `X-Scopes`, space-separated as OAuth's `scope`; built once per scope list. */
const joined = new WeakMap<readonly string[], string>();
export function scopeHeader(scopes: readonly string[]): string {
  let s = joined.get(scopes);
  if (s === undefined) joined.set(scopes, (s = scopes.join(' ')));
  return s;
}
