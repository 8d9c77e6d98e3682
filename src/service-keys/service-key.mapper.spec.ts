import { keyPreview } from './service-key.mapper';

describe('keyPreview', () => {
  it.each([
    ['sk-proj-0123456789abcd', 'sk-…abcd'],
    ['123456789012', '123…9012'],
    ['12345678901', '…01'],
    ['123456', '…56'],
    ['12345', '…'],
    ['', '…'],
  ])('%s → %s', (key, preview) => {
    expect(keyPreview(key)).toBe(preview);
  });

  it('never shows more than 7 characters, and always hides at least 5 of a long key', () => {
    for (let n = 0; n < 64; n++) {
      const key = 'k'.repeat(n);
      const shown = keyPreview(key).replace('…', '').length;
      expect(shown).toBeLessThanOrEqual(7);
      expect(n - shown).toBeGreaterThanOrEqual(Math.min(n, 4));
    }
  });
});
