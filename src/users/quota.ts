import { AppConfig } from '../config/app-config';

/** What the gate and the jobs count per user and month. `requests` is every forwarded request (no quota). */
export type UsageKind = 'requests' | 'transcriptions' | 'translations' | 'tts';
/** The kinds a quota can limit. */
export type QuotaKind = 'transcriptions' | 'translations' | 'tts' | 'audio_seconds';
export const QUOTA_KINDS: readonly QuotaKind[] = ['transcriptions', 'translations', 'tts', 'audio_seconds'];

/** A user's quotas in effect; null = unlimited. */
export type Quota = Record<QuotaKind, number | null>;
/** Admin overrides as stored: a kind present overrides the default (null: unlimited), a kind absent takes it. */
export type QuotaOverrides = Partial<Record<QuotaKind, number | null>>;

/** Counters of one user and month, as counted (the row's usage_month_* columns, or the shared counter). */
export type MonthCounts = Record<UsageKind | 'audio_seconds', number>;
export const ZERO_COUNTS: Readonly<MonthCounts> = Object.freeze({
  requests: 0,
  transcriptions: 0,
  translations: 0,
  tts: 0,
  audio_seconds: 0,
});

/** The month last asked for and its bounds: every forwarded request asks, nearly always for the current month. */
let last = { month: '', from: 0, to: 0 };

/** The UTC calendar month of an instant, `YYYY-MM`. */
export function monthOf(ms: number): string {
  if (ms >= last.from && ms < last.to) return last.month;
  const d = new Date(ms);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  last = { month: d.toISOString().slice(0, 7), from, to: monthEnd(ms) };
  return last.month;
}

/** The first instant of the next UTC month (when this month's quotas reset). */
export function monthEnd(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** The quotas in effect: the admin's override per kind, else the configured default. */
export function effectiveQuota(config: AppConfig, overrides: QuotaOverrides | null | undefined): Quota {
  const d = config.quota;
  const pick = (kind: QuotaKind, fallback: number | null) =>
    overrides && Object.prototype.hasOwnProperty.call(overrides, kind) ? (overrides[kind] ?? null) : fallback;
  return {
    transcriptions: pick('transcriptions', d.transcriptions),
    translations: pick('translations', d.translations),
    tts: pick('tts', d.tts),
    audio_seconds: pick('audio_seconds', d.audioSeconds),
  };
}

/** The month columns of a user row. */
export interface MonthUsageRow {
  usageMonth: string | null;
  usageMonthRequests: number;
  usageMonthTranscriptions: number;
  usageMonthTranslations: number;
  usageMonthTts: number;
  usageMonthAudioSeconds: number;
}

/** The row's counters of `month` (zero when the row last counted an earlier month). */
export function rowCounts(row: MonthUsageRow, month: string): MonthCounts {
  if (row.usageMonth !== month) return { ...ZERO_COUNTS };
  return {
    requests: row.usageMonthRequests,
    transcriptions: row.usageMonthTranscriptions,
    translations: row.usageMonthTranslations,
    tts: row.usageMonthTts,
    audio_seconds: Number(row.usageMonthAudioSeconds),
  };
}

/** UserOut's `usage.month`. */
export function monthUsageOut(row: MonthUsageRow, nowMs: number) {
  const c = rowCounts(row, monthOf(nowMs));
  return {
    transcriptions: c.transcriptions,
    translations: c.translations,
    tts: c.tts,
    audio_seconds: c.audio_seconds,
    resets_at: new Date(monthEnd(nowMs)).toISOString(),
  };
}

/** The thresholds of a quota that publish `quota.threshold`, in percent. */
export const THRESHOLDS = [80, 100] as const;

/** The thresholds a count crossed going from `before` to `after` against `limit` (each is crossed once). */
export function crossedThresholds(before: number, after: number, limit: number): (80 | 100)[] {
  if (limit <= 0) return [];
  return THRESHOLDS.filter((t) => {
    const at = Math.ceil((limit * t) / 100);
    return before < at && after >= at;
  });
}

/** An admin's change: each field given replaces the override (null: unlimited); `null` for all drops every override. */
export function mergeQuotaOverrides(
  current: QuotaOverrides | null | undefined,
  change: Partial<Record<QuotaKind, number | null | undefined>> | null,
): QuotaOverrides | null {
  if (change === null) return null;
  const next: QuotaOverrides = { ...(current ?? {}) };
  for (const kind of QUOTA_KINDS) if (change[kind] !== undefined) next[kind] = change[kind];
  return Object.keys(next).length ? next : null;
}
