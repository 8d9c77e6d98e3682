import type { IncomingHttpHeaders } from 'node:http';

/** The credential kinds the gate accepts. */
export type GateCredentialKind = 'jwt' | 'api_key' | 'stream';

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
  if (token.startsWith('tk_')) return { kind: 'api_key', value: token };
  return { kind: isStreamToken(token) ? 'stream' : 'jwt', value: token };
};

/** Routing only (the signature is checked after): a JWT whose payload says `type: "stream"`. */
function isStreamToken(token: string): boolean {
  const payload = token.split('.')[1];
  if (!payload || payload.length > 4096) return false;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { type?: unknown }).type === 'stream';
  } catch {
    return false;
  }
}

/** A stream token in the original URI (browsers cannot set headers on a WebSocket). */
const fromStreamTokenQuery: Extractor = ({ query }) => {
  const v = query?.get('token');
  return v && v.trim() ? { kind: 'stream', value: v.trim() } : null;
};

const fromApiKeyQuery: Extractor = ({ query, allowApiKeyQuery }) => {
  const v = allowApiKeyQuery ? query?.get('api_key') : null;
  return v && v.trim() ? { kind: 'api_key', value: v.trim() } : null;
};

/**
 * Every carrier of a credential the gate reads, in order of precedence: the first that finds one decides. A new kind
 * is one more extractor here and one more branch in GateService.principal.
 */
const EXTRACTORS: readonly Extractor[] = [fromApiKeyHeader, fromAuthorization, fromApiKeyQuery, fromStreamTokenQuery];

export function extractGateCredential(sources: CredentialSources): GateCredential | null {
  for (const extract of EXTRACTORS) {
    const found = extract(sources);
    if (found) return found;
  }
  return null;
}
