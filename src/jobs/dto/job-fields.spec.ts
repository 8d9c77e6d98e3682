import { parseInstant, parseQueryInt } from './job-fields';

describe('parseInstant', () => {
  it.each([
    ['2025-01-31', '2025-01-31T00:00:00.000Z'],
    ['2025-01-31T10:00', '2025-01-31T10:00:00.000Z'],
    ['2025-01-31T10:00:00', '2025-01-31T10:00:00.000Z'],
    ['2025-01-31T10:00:00.123Z', '2025-01-31T10:00:00.123Z'],
    ['2025-01-31T10:00:00+02:00', '2025-01-31T08:00:00.000Z'],
    ['2025-01-31T10:00:00 02:00', '2025-01-31T08:00:00.000Z'],
    ['2025-01-31T10:00:00-0530', '2025-01-31T15:30:00.000Z'],
    ['2024-02-29T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
  ])('%s → %s (no offset means UTC)', (text, iso) => {
    expect((parseInstant(text) as Date).toISOString()).toBe(iso);
  });

  it.each([
    'yesterday',
    '2025-02-30',
    '2025-02-29',
    '2025-13-01',
    '2025-01-31T24:00:00Z',
    '2025-W05',
    '2025-031',
    '2025',
    '2025-01',
    '1738281600',
    '',
    '31/01/2025',
  ])('leaves %j for the validator to refuse', (text) => {
    expect(parseInstant(text)).toBe(text);
  });
});

describe('parseQueryInt', () => {
  it('parses plain integers and leaves everything else alone', () => {
    expect([parseQueryInt('0'), parseQueryInt('42'), parseQueryInt('-1')]).toEqual([0, 42, -1]);
    for (const v of ['abc', '1.5', '', '1e3', ' 1', ['1', '2']]) expect(parseQueryInt(v)).toBe(v);
  });
});
