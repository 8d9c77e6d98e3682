import { ZERO_COUNTS } from './quota';
import { UsageAddition, UsersRepository } from './users.repository';

const row = (usageMonth: string | null) => ({
  usageTranscriptions: 10,
  usageTranslations: 20,
  usageTts: 30,
  usageMonth,
  usageMonthRequests: 5,
  usageMonthTranscriptions: 1,
  usageMonthTranslations: 2,
  usageMonthTts: 3,
  usageMonthAudioSeconds: 4.5,
});
const addition = (month: string): UsageAddition => ({
  userId: 'u',
  month,
  month_counts: { ...ZERO_COUNTS, requests: 2, tts: 1, audio_seconds: 1.5 },
  lifetime: { transcriptions: 0, translations: 0, tts: 1 },
});

/** The cached copy of a row follows addUsage's rule: the same month adds, a new month starts, a later one stays. */
describe('UsersRepository.withUsage', () => {
  it('the same month: every counter adds', () => {
    expect(UsersRepository.withUsage(row('2026-12'), addition('2026-12'))).toMatchObject({
      usageTts: 31,
      usageMonth: '2026-12',
      usageMonthRequests: 7,
      usageMonthTts: 4,
      usageMonthTranscriptions: 1,
      usageMonthAudioSeconds: 6,
    });
  });

  it('a row of an earlier month (or none) starts the month from the addition; lifetime counters still add', () => {
    for (const month of ['2026-11', null])
      expect(UsersRepository.withUsage(row(month), addition('2026-12'))).toMatchObject({
        usageTts: 31,
        usageTranscriptions: 10,
        usageMonth: '2026-12',
        usageMonthRequests: 2,
        usageMonthTts: 1,
        usageMonthTranscriptions: 0,
        usageMonthAudioSeconds: 1.5,
      });
  });

  it('a row already counting a later month keeps its month counts', () => {
    expect(UsersRepository.withUsage(row('2027-01'), addition('2026-12'))).toMatchObject({
      usageTts: 31,
      usageMonth: '2027-01',
      usageMonthRequests: 5,
      usageMonthTts: 3,
    });
  });
});
