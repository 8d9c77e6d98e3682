import { ValidateIf } from 'class-validator';

export const EMAIL_MESSAGE = 'must be a valid email address';
export const USERNAME_MESSAGE = 'must be 3–32 characters of letters, digits, "_", "." or "-"';

/** Optional, but null is refused (422) rather than read as "absent". */
export const IsOptionalNotNull = () => ValidateIf((_: unknown, value: unknown) => value !== undefined);

export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
