import type { IncomingHttpHeaders } from 'node:http';

/** The credential kinds the gate accepts. */
export type GateCredentialKind = 'jwt' | 'api_key';

export interface GateCredential {
  kind: GateCredentialKind;
  value: string;
}

/** Where a forwarded request's credential can be: the client's headers and the original URI's query. */
export interface CredentialSources {
  headers: IncomingHttpHeaders;
  query: URLSearchParams | null;
  allowApiKeyQuery: boolean;
}

type Extractor = (s: CredentialSources) => GateCredential | null;

const bearer = /^bearer\s+/i;

const fromApiKeyHeader: Extractor = ({ headers }) => {
  const v = headers['x-api-key'];
  return typeof v === 'string' && v.trim() ? { kind: 'api_key', value: v.trim() } : null;
};

const fromAuthorization: Extractor = ({ headers }) => {
  const v = headers.authorization;
  if (typeof v !== 'string' || !bearer.test(v)) return null;
  const token = v.replace(bearer, '').trim();
  if (!token) return null;
  return { kind: token.startsWith('tk_') ? 'api_key' : 'jwt', value: token };
};

const fromApiKeyQuery: Extractor = ({ query, allowApiKeyQuery }) => {
  const v = allowApiKeyQuery ? query?.get('api_key') : null;
  return v && v.trim() ? { kind: 'api_key', value: v.trim() } : null;
};

/**
 * Every carrier of a credential the gate reads, in order of precedence: the first that finds one decides. A new kind
 * (a stream token in the original URI's `token`) is one more extractor here and one more verifier in GateVerifier.
 */
const EXTRACTORS: readonly Extractor[] = [fromApiKeyHeader, fromAuthorization, fromApiKeyQuery];

export function extractGateCredential(sources: CredentialSources): GateCredential | null {
  for (const extract of EXTRACTORS) {
    const found = extract(sources);
    if (found) return found;
  }
  return null;
}
