import { AppError, ErrorCode } from '../common/errors';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Role } from '../users/users.enums';
import { GateService } from './gate.service';

const KEY = 'tk_' + 'k'.repeat(43);

/** A principal as the keys module gives it: the key's scopes and id. */
function sutWith(scopes: string[] | undefined) {
  const principal = {
    user: { id: 'u1', email: 'a@example.com', username: 'ann', role: Role.User, isActive: true, isSuspended: false },
    via: 'api_key' as const,
    scopes,
    keyId: scopes ? 'key-1' : undefined,
  };
  const row = { id: 'u1', username: 'ann', quotaOverrides: null, usageMonth: null };
  const state = {
    getVerified: () => ({ via: 'api_key', userId: 'u1' }),
    resolve: () => principal,
    profile: () => row,
  };
  const config = {
    gateRoutes: '/transcribe=transcriptions,/tts=tts',
    allowApiKeyQuery: true,
    quota: { transcriptions: null, translations: null, tts: null, audioSeconds: null },
  } as unknown as AppConfig;
  const quota = { forward: () => ({ allowed: true }) };
  const usage = { recordRequest: jest.fn(), touchApiKey: jest.fn(), touchSession: jest.fn() };
  const rateLimiter = { enabled: false };
  return new GateService(
    config,
    state as never,
    {} as never,
    rateLimiter as never,
    quota as never,
    usage as never,
    { emit: jest.fn() } as never,
    new Clock(),
    {} as never,
    { admit: () => undefined } as never,
  );
}

const request = (uri: string) =>
  ({ headers: { 'x-forwarded-uri': uri, 'x-api-key': KEY }, raw: { socket: {} }, ip: '127.0.0.1', url: '/' }) as never;

describe('GateService scopes', () => {
  it("a key's scopes decide per route class; plain requests need none", () => {
    const sut = sutWith(['transcribe']);
    const ok = sut.decide(request('/transcribe'));
    expect(ok).toMatchObject({ allowed: true, headers: { 'x-scopes': 'transcribe', 'x-key-id': 'key-1' } });
    expect(sut.decide(request('/anything'))).toMatchObject({ allowed: true });
    const refused = sut.decide(request('/tts')) as { allowed: false; error: AppError };
    expect(refused.allowed).toBe(false);
    expect(refused.error.code).toBe(ErrorCode.InsufficientScope);
    expect(refused.error.status).toBe(403);
    expect(refused.error.options.headers).toEqual({
      'www-authenticate': 'Bearer error="insufficient_scope", scope="tts"',
    });
  });

  it('no scopes on the principal (a JWT, an all-scope key): every scope of the role, no X-Key-Id', () => {
    const answer = sutWith(undefined).decide(request('/tts')) as { allowed: true; headers: Record<string, string> };
    expect(answer.allowed).toBe(true);
    expect(answer.headers['x-scopes'].split(' ')).toEqual(expect.arrayContaining(['transcribe', 'translate', 'tts']));
    expect(answer.headers['x-scopes']).not.toContain('admin');
    expect(answer.headers['x-key-id']).toBeUndefined();
  });
});
