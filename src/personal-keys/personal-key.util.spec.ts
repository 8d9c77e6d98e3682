import { generateApiKey, hashApiKey, looksLikeApiKey } from './personal-key.util';

describe('personal key secrets', () => {
  it('are always tk_ + 43 base62 characters, even when the random number is small (1 in ~60 is)', () => {
    for (let i = 0; i < 3000; i++) {
      const { key, hash, prefix } = generateApiKey();
      expect(key).toMatch(/^tk_[0-9A-Za-z]{43}$/);
      expect(looksLikeApiKey(key)).toBe(true);
      expect(hash).toBe(hashApiKey(key));
      expect(prefix).toBe(key.slice(0, 10));
    }
  });
});
