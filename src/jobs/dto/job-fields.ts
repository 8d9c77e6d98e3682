import { isISO8601, ValidateBy } from 'class-validator';
import { isUuid } from '../../common/pipes';

/**
 * Language codes as a speech engine reports them ("en", "pt-BR", Whisper's "english"); fits the varchar(16) columns.
 */
export const LANGUAGE_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,15}$/;
export const LANGUAGE_MESSAGE = 'must be a language code of 1-16 letters, digits, "-" or "_" (e.g. "en", "pt-BR")';

export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Any well-formed UUID (the same rule as the path pipe, so every job created can be addressed). */
export const IsAnyUuid = () =>
  ValidateBy({
    name: 'isAnyUuid',
    validator: { validate: (v: unknown) => isUuid(v), defaultMessage: () => '$property must be a UUID' },
  });

// A calendar date, or a date-time to at least the minute with an optional offset.
const INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * ISO-8601 text → Date; a time without an offset is UTC (never the server's zone). Returns the input
 * unchanged when it is not such a time, so the validator reports it. isISO8601 rejects impossible dates
 * (Date.parse would turn 2025-02-30 into March 2).
 */
export function parseInstant(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  // An unencoded "+" in a query string arrives as a space.
  const text = value.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  if (!INSTANT.test(text) || !isISO8601(text, { strict: true, strictSeparator: true })) return value;
  const hasZone = /T.*(?:Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const ms = Date.parse(text.includes('T') && !hasZone ? `${text}Z` : text);
  return Number.isFinite(ms) ? new Date(ms) : value;
}

/** "42" → 42; anything else is left for @IsInt to refuse ("abc", "1.5", "", repeated parameters). */
export function parseQueryInt(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value;
}
