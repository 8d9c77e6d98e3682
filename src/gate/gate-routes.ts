import { UsageKind } from '../users/quota';

export interface GateRoute {
  /** Path prefix without a trailing slash ('' is the root: every path). */
  prefix: string;
  kind: UsageKind;
}

/** GATE_ROUTES (`/transcribe=transcriptions,…`, validated by the env schema), longest prefix first. */
export function parseGateRoutes(value: string): GateRoute[] {
  return value
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const [prefix, kind] = pair.split('=');
      return { prefix: prefix.replace(/\/+$/, ''), kind: kind as UsageKind };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length);
}

/** The class of a (normalized) path: the longest prefix that matches at a segment boundary, else `requests`. */
export function classify(routes: readonly GateRoute[], path: string): UsageKind {
  for (const r of routes) if (r.prefix === '' || path === r.prefix || path.startsWith(r.prefix + '/')) return r.kind;
  return 'requests';
}

export interface OriginalRequest {
  path: string;
  query: URLSearchParams | null;
}

/**
 * The original request's path as the upstream resolves it (percent-decoded, dot segments resolved, repeated slashes
 * merged), so `/transcribe/../tts` or `/%74ts` is classed as the route it reaches; null when it cannot be decoded.
 */
export function parseOriginalUri(uri: string): OriginalRequest | null {
  let rest = uri;
  // An absolute URI (http://host/path?q) carries the path after its authority.
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
  if (absolute) rest = rest.slice(absolute[0].length) || '/';
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const rawPath = q === -1 ? rest : rest.slice(0, q);
  const query = q === -1 ? null : new URLSearchParams(rest.slice(q + 1));
  if (!rawPath.startsWith('/')) return null;
  let decoded: string;
  try {
    decoded = rawPath.includes('%') ? decodeURIComponent(rawPath) : rawPath;
  } catch {
    return null;
  }
  if (!decoded.includes('/.') && !decoded.includes('//')) return { path: decoded, query };
  const out: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return { path: '/' + out.join('/'), query };
}
