import helmet from 'helmet';
import { API_HEADERS, pageHeaders, staticHeaders } from './security-headers';

describe('staticHeaders', () => {
  it('captures exactly the headers helmet sets, with its removals applied', () => {
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

describe('API_HEADERS / pageHeaders', () => {
  it("JSON answers: OWASP's REST set, nothing document-only", () => {
    expect(API_HEADERS).toEqual({
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
  });

  it("pages: helmet's whole set under the page's own policy", () => {
    const headers = pageHeaders("default-src 'self'");
    expect(headers).toMatchObject({
      'content-security-policy': "default-src 'self'",
      'cross-origin-opener-policy': 'same-origin',
      'x-frame-options': 'DENY',
      'x-xss-protection': '0',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
    });
    expect(headers).not.toHaveProperty('cache-control');
  });
});
