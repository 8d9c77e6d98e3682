import { ServiceKey } from './entities/service-key.entity';
import { keyPreview, toServiceKeyResponse } from './service-key.mapper';

describe('keyPreview', () => {
  it.each([
    ['sk-proj-0123456789abcdefghijklmnop', '…mnop'],
    ['sk-proj-0123456789abcd', '…cd'],
    ['123456789012', '…2'],
    ['1234567', '…'],
    ['', '…'],
  ])('%s → %s', (key, preview) => {
    expect(keyPreview(key)).toBe(preview);
  });

  it('never shows more than 4 characters, nor more than an eighth of the key', () => {
    for (let n = 0; n < 64; n++) {
      const key = 'k'.repeat(n);
      const shown = keyPreview(key).replace('…', '').length;
      expect(shown).toBeLessThanOrEqual(4);
      expect(shown * 8).toBeLessThanOrEqual(n);
    }
  });
});

describe('previews stored under the old rule', () => {
  it('are shown as their last character only', () => {
    const row = {
      id: 'x',
      service: 'openai',
      keyName: null,
      createdAt: new Date(0),
      lastUsedAt: null,
    } as unknown as ServiceKey;
    expect(toServiceKeyResponse({ ...row, keyPreview: 'sk-…abcd' } as ServiceKey).key_preview).toBe('…d');
    expect(toServiceKeyResponse({ ...row, keyPreview: '…ab' } as ServiceKey).key_preview).toBe('…ab');
    expect(toServiceKeyResponse({ ...row, keyPreview: null } as ServiceKey).key_preview).toBeNull();
  });
});
