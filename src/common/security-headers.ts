import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The headers a header-only middleware (helmet) sets, captured once at start-up: they depend on its options only,
 * so running it per request would compute the same headers again.
 */
export function staticHeaders(
  middleware: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let completed = false;
  middleware({ headers: {} } as IncomingMessage, res as unknown as ServerResponse, (err) => {
    if (err) throw err;
    completed = true;
  });
  if (!completed) throw new Error('the security-header middleware did not complete synchronously');
  return headers;
}

const HSTS = { maxAge: 31536000, includeSubDomains: true };

/**
 * What every JSON answer carries: the OWASP REST Security Cheat Sheet's headers (no caching, a CSP under which
 * nothing loads or frames, nosniff, X-Frame-Options DENY, HSTS) plus no referrer and a same-origin resource policy.
 * helmet's document-only headers (COOP, Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection) say nothing about JSON, so pages alone get them.
 */
function apiHeaders(): Record<string, string> {
  return {
    ...staticHeaders(
      helmet({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
        },
        crossOriginEmbedderPolicy: false,
        crossOriginOpenerPolicy: false,
        originAgentCluster: false,
        xDnsPrefetchControl: false,
        xDownloadOptions: false,
        xPermittedCrossDomainPolicies: false,
        xXssProtection: false,
        xFrameOptions: { action: 'deny' },
        strictTransportSecurity: HSTS,
        referrerPolicy: { policy: 'no-referrer' },
      }),
    ),
    'cache-control': 'no-store',
  };
}

/** The pages (/docs, /admin): helmet's whole set under the page's own CSP; the dashboard sets its stricter one. */
export function pageHeaders(csp: string): Record<string, string> {
  return {
    ...staticHeaders(
      helmet({
        contentSecurityPolicy: false,
        crossOriginEmbedderPolicy: false,
        xFrameOptions: { action: 'deny' },
        strictTransportSecurity: HSTS,
        referrerPolicy: { policy: 'no-referrer' },
      }),
    ),
    'content-security-policy': csp,
  };
}

/** {@link apiHeaders}, computed once: every JSON answer, including those Fastify gives before any hook runs. */
export const API_HEADERS: Readonly<Record<string, string>> = Object.freeze(apiHeaders());
