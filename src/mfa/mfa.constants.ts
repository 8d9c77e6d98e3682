import { createHash, randomBytes, randomInt } from 'node:crypto';

/**
 * Domain events of the second factors, published through the UnitOfWork with the change. `mfa.disabled`
 * (`{user_id, method: 'totp' | 'passkey' | 'all'}`) is a webhook event and sends the "second factor removed" notice.
 */
export const MfaEvent = { Disabled: 'mfa.disabled' } as const;

/** A sign-in step (mfa_token) and a WebAuthn challenge live this long. */
export const STEP_TTL_SECONDS = 300;
/** Wrong codes a sign-in step survives; the next try finds it spent. */
export const STEP_MAX_ATTEMPTS = 5;
export const RECOVERY_CODE_COUNT = 10;
/** TOTP (RFC 6238): SHA-1, 6 digits, 30 s steps, one step either side. */
export const TOTP_PERIOD = 30;
export const TOTP_TOLERANCE_SECONDS = 30;

export const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** The opaque sign-in step token: 32 random bytes. */
export const newStepToken = (): string => `mfa_${randomBytes(32).toString('base64url')}`;

// Recovery codes: 12 characters of an alphabet without look-alikes (0/o, 1/l/i), shown as xxxx-xxxx-xxxx (60 bits).
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export function newRecoveryCode(): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/** What is hashed: lower case, without the dashes and spaces a user may type or leave out. */
export const normalizeRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '');

/** A TOTP code as typed: six digits, spaces allowed ("123 456"). */
export const normalizeTotpCode = (code: string): string | null => {
  const digits = code.replace(/\s/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
};

/** SQL condition on alias `u` (users): the user has a confirmed TOTP or a passkey. */
export const MFA_ENABLED_SQL = `(EXISTS (SELECT 1 FROM mfa_totp mt WHERE mt.user_id = u.id AND mt.confirmed_at IS NOT NULL)
  OR EXISTS (SELECT 1 FROM passkeys pk WHERE pk.user_id = u.id))`;
