import { dictionary } from '@zxcvbn-ts/language-common';
import { FieldError } from '../../common/errors';

// ~49k common passwords shipped with zxcvbn-ts (offline), lower-cased once at start-up.
const COMMON = new Set<string>((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export function commonPasswordCount(): number {
  return COMMON.size;
}

/** The password rules; returns field errors (empty when acceptable). */
export function checkPassword(
  password: unknown,
  ctx: { username?: string | null; email?: string | null } = {},
  field = 'password',
): FieldError[] {
  if (typeof password !== 'string') return [{ field, message: 'must be a string' }];
  const length = [...password].length;
  if (length < PASSWORD_MIN) return [{ field, message: `must be at least ${PASSWORD_MIN} characters` }];
  if (length > PASSWORD_MAX) return [{ field, message: `must be at most ${PASSWORD_MAX} characters` }];
  const lower = password.toLowerCase();
  if (
    (ctx.username && lower === ctx.username.toLowerCase()) ||
    (ctx.email && (lower === ctx.email.toLowerCase() || lower === ctx.email.split('@')[0].toLowerCase()))
  )
    return [{ field, message: 'must not be your username or email' }];
  if (COMMON.has(lower)) return [{ field, message: 'is too common; choose a less guessable password' }];
  return [];
}
