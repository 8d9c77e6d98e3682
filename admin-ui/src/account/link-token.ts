import type { Problem } from '../types';

/**
 * The token of the link that opened the page, taken out of the address bar at once (so it stays out of the history
 * and of anything that reads the URL later); a reload finds it in this module no more, and asks for a new link.
 */
let taken: string | null | undefined;
export function takeLinkToken(): string | null {
  if (taken !== undefined) return taken;
  const url = new URL(location.href);
  taken = url.searchParams.get('token');
  if (taken !== null) {
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return taken;
}

/** POSTs JSON to a public route; resolves with the JSON answer, or rejects with the problem's detail. */
export async function postPublic<T>(path: string, body: unknown): Promise<T | null> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new Error('The server could not be reached. Check your connection and try again.');
  }
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const p = json as Partial<Problem> | null;
    const fields = p?.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
    throw Object.assign(new Error(fields || p?.detail || `Request failed (${res.status})`), { status: res.status });
  }
  return json as T | null;
}
