import { AppConfig } from '../config/app-config';
import {
  crossedThresholds,
  effectiveQuota,
  mergeQuotaOverrides,
  monthEnd,
  monthOf,
  monthUsageOut,
} from '../users/quota';
import { MemoryQuotaCounter } from './quota-counter';

const config = { quota: { transcriptions: 100, translations: null, tts: 10, audioSeconds: null } } as AppConfig;
const row = {
  usageMonth: '2026-12',
  usageMonthRequests: 7,
  usageMonthTranscriptions: 3,
  usageMonthTranslations: 2,
  usageMonthTts: 1,
  usageMonthAudioSeconds: 12.5,
};

describe('monthly quotas', () => {
  it('UTC calendar months: the month of an instant and when it resets', () => {
    const t = Date.UTC(2026, 11, 31, 23, 59, 59);
    expect(monthOf(t)).toBe('2026-12');
    expect(new Date(monthEnd(t)).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(monthOf(monthEnd(t))).toBe('2027-01');
    expect(new Date(monthEnd(Date.UTC(2028, 1, 10))).toISOString()).toBe('2028-03-01T00:00:00.000Z');
    // The remembered month answers only inside its bounds: back and forth across a boundary, and far away.
    const first = Date.UTC(2027, 0, 1);
    expect([monthOf(first - 1), monthOf(first), monthOf(first - 1), monthOf(Date.UTC(1999, 4, 5))]).toEqual([
      '2026-12',
      '2027-01',
      '2026-12',
      '1999-05',
    ]);
  });

  it('the quota in effect: an override (null: unlimited) wins over the default, an absent kind keeps it', () => {
    expect(effectiveQuota(config, null)).toEqual({
      transcriptions: 100,
      translations: null,
      tts: 10,
      audio_seconds: null,
    });
    expect(effectiveQuota(config, { tts: null, audio_seconds: 60 })).toEqual({
      transcriptions: 100,
      translations: null,
      tts: null,
      audio_seconds: 60,
    });
  });

  it("an admin's change: given fields replace, absent ones stay, null drops every override", () => {
    expect(mergeQuotaOverrides({ tts: 5 }, { transcriptions: null })).toEqual({ tts: 5, transcriptions: null });
    expect(mergeQuotaOverrides({ tts: 5 }, { tts: 6, translations: undefined })).toEqual({ tts: 6 });
    expect(mergeQuotaOverrides({ tts: 5 }, null)).toBeNull();
    expect(mergeQuotaOverrides(null, {})).toBeNull();
  });

  it("usage.month shows the row's month, zeros once the month is over", () => {
    const dec = Date.UTC(2026, 11, 7);
    expect(monthUsageOut(row, dec)).toEqual({
      transcriptions: 3,
      translations: 2,
      tts: 1,
      audio_seconds: 12.5,
      resets_at: '2027-01-01T00:00:00.000Z',
    });
    expect(monthUsageOut(row, Date.UTC(2027, 0, 1))).toMatchObject({ transcriptions: 0, tts: 0, audio_seconds: 0 });
  });

  it('80 % and 100 % are each crossed once', () => {
    expect(crossedThresholds(3, 4, 5)).toEqual([80]);
    expect(crossedThresholds(4, 5, 5)).toEqual([100]);
    expect(crossedThresholds(5, 6, 5)).toEqual([]);
    expect(crossedThresholds(0, 3, 3)).toEqual([80, 100]);
    expect(crossedThresholds(70, 130, 100)).toEqual([80, 100]);
    expect(crossedThresholds(0, 1, 0)).toEqual([]);
  });
});

describe('MemoryQuotaCounter', () => {
  const step = (add: object, limits: object, month = '2026-12') => ({
    userId: 'u1',
    month,
    monthEndMs: 0,
    baseline: { requests: 0, transcriptions: 3, translations: 0, tts: 0, audio_seconds: 0 },
    add,
    limits,
  });

  it('starts from the row, allows exactly up to the limit, and a refused step adds nothing', () => {
    const sut = new MemoryQuotaCounter();
    const outcomes = Array.from({ length: 5 }, () =>
      sut.count(step({ requests: 1, transcriptions: 1 }, { transcriptions: 5 })),
    );
    expect(outcomes.map((o) => o.allowed)).toEqual([true, true, false, false, false]);
    expect(outcomes[4]).toMatchObject({ refusedBy: 'transcriptions' });
    expect(sut.read('u1', '2026-12', step({}, {}).baseline)).toMatchObject({ requests: 2, transcriptions: 5 });
  });

  it('a new month starts again from its own baseline and forgets the old month', () => {
    const sut = new MemoryQuotaCounter();
    sut.count(step({ tts: 2 }, {}));
    expect(sut.count(step({ tts: 1 }, { tts: 1 }, '2027-01')).allowed).toBe(true);
    expect(
      sut.read('u1', '2026-12', { requests: 0, transcriptions: 0, translations: 0, tts: 0, audio_seconds: 0 }).tts,
    ).toBe(0);
  });
});
