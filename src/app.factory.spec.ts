import { rewriteUrl } from './app.factory';

describe('rewriteUrl', () => {
  it.each([
    ['/api/auth/me', '/auth/me'],
    ['/api', '/'],
    ['/auth/me/', '/auth/me'],
    ['/api/jobs/?limit=5', '/jobs?limit=5'],
    ['/apix', '/apix'],
  ])('%s → %s', (from, to) => expect(rewriteUrl(from)).toBe(to));
});
