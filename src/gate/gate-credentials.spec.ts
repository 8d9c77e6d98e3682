import { extractGateCredential } from './gate-credentials';

const KEY = 'tk_' + 'a'.repeat(43);

describe('the gate credential', () => {
  const from = (headers: Record<string, string>, query?: string, allowApiKeyQuery = true) =>
    extractGateCredential({ headers, query: query ? new URLSearchParams(query) : null, allowApiKeyQuery });

  it('X-API-Key first, then Authorization: Bearer (a tk_ key or a JWT), then the original query', () => {
    expect(from({ 'x-api-key': ` ${KEY} `, authorization: 'Bearer a.b.c' })).toEqual({ kind: 'api_key', value: KEY });
    expect(from({ authorization: 'bearer a.b.c' })).toEqual({ kind: 'jwt', value: 'a.b.c' });
    expect(from({ authorization: `Bearer ${KEY}` })).toEqual({ kind: 'api_key', value: KEY });
    expect(from({}, `x=1&api_key=${KEY}`)).toEqual({ kind: 'api_key', value: KEY });
    expect(from({ authorization: 'Bearer a.b.c' }, `api_key=${KEY}`)).toEqual({ kind: 'jwt', value: 'a.b.c' });
  });

  it('nothing usable: null; ALLOW_API_KEY_QUERY=false ignores the query', () => {
    expect(from({})).toBeNull();
    expect(from({ authorization: 'Basic dXNlcjpwdw==' })).toBeNull();
    expect(from({ authorization: 'Bearer   ' })).toBeNull();
    expect(from({ 'x-api-key': '' })).toBeNull();
    expect(from({}, `api_key=${KEY}`, false)).toBeNull();
    expect(from({}, 'api_key=')).toBeNull();
  });
});
