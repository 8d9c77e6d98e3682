import type { FastifyRequest } from 'fastify';

export interface PresentedCredential {
  kind: 'jwt' | 'api_key';
  value: string;
}

export type CredentialRequest = FastifyRequest & { credential?: PresentedCredential | null };

/**
 * Finds the caller's credential: `X-API-Key`, `Authorization: Bearer <jwt | tk_…>`, or `?api_key=` (when allowed).
 * The API key is also placed in `x-api-key`, where passport-headerapikey reads it.
 */
export function extractCredential(req: CredentialRequest, allowQuery: boolean): PresentedCredential | null {
  if (req.credential !== undefined) return req.credential;
  let found: PresentedCredential | null = null;
  const header = req.headers['x-api-key'];
  const auth = req.headers.authorization;
  if (typeof header === 'string' && header.length > 0) {
    found = { kind: 'api_key', value: header.trim() };
  } else if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) {
    const token = auth.replace(/^bearer\s+/i, '').trim();
    if (token) found = { kind: token.startsWith('tk_') ? 'api_key' : 'jwt', value: token };
  } else if (allowQuery) {
    const q = (req.query as Record<string, unknown> | undefined)?.api_key;
    if (typeof q === 'string' && q.length > 0) found = { kind: 'api_key', value: q.trim() };
  }
  // A credential, not a parameter of the route: routes that validate their query would refuse it as unknown (422).
  if (allowQuery && req.query && typeof req.query === 'object' && 'api_key' in req.query)
    delete (req.query as Record<string, unknown>).api_key;
  if (found?.kind === 'api_key') req.headers['x-api-key'] = found.value;
  req.credential = found;
  return found;
}
