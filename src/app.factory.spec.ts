import helmet from 'helmet';
import { rewriteUrl, staticHeaders } from './app.factory';

describe('staticHeaders', () => {
  it("captures exactly the headers helmet sets, with its removals applied", () => {
    const headers = staticHeaders(helmet({ hsts: { maxAge: 60 }, referrerPolicy: { policy: 'no-referrer' } }));
    expect(headers).toMatchObject({
      'strict-transport-security': 'max-age=60; includeSubDomains',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
    });
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers).not.toHaveProperty('x-powered-by');
  });

  it('refuses a middleware that does not finish synchronously (its headers could depend on the request)', () => {
    expect(() => staticHeaders((_req, _res, next) => setImmediate(next))).toThrow(/synchronously/);
  });
});

describe('rewriteUrl', () => {
  it.each([
    ['/api/auth/me', '/auth/me'],
    ['/api', '/'],
    ['/auth/me/', '/auth/me'],
    ['/api/jobs/?limit=5', '/jobs?limit=5'],
    ['/apix', '/apix'],
  ])('%s → %s', (from, to) => expect(rewriteUrl(from)).toBe(to));
});
