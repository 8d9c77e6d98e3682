import { hash } from 'node:crypto';
import { Clock } from '../common/clock';
import { AuthStateService, VerifiedCredential } from './auth-state.service';

jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, hash: jest.fn(actual.hash) };
});
const digests = hash as jest.MockedFunction<typeof hash>;

const verified = (userId: string): VerifiedCredential => ({ via: 'api_key', userId, keyHash: `hash-${userId}` });

describe('AuthStateService: verified credentials', () => {
  let state: AuthStateService;
  beforeEach(() => {
    state = new AuthStateService({} as never, {} as never, new Clock());
    digests.mockClear();
  });

  it('a connection that repeats its credential is digested once', () => {
    const connection = {};
    state.rememberVerified('tk_alice', verified('alice'), connection);
    for (let i = 0; i < 5; i++) expect(state.getVerified('tk_alice', connection)?.userId).toBe('alice');
    expect(digests).toHaveBeenCalledTimes(1);
  });

  it('another credential on the same connection is looked up as itself, and the connection is memoized no more', () => {
    const connection = {};
    state.rememberVerified('tk_alice', verified('alice'), connection);
    state.rememberVerified('tk_bob', verified('bob'));
    expect(state.getVerified('tk_mallory', connection)).toBeUndefined();
    expect(state.getVerified('tk_bob', connection)?.userId).toBe('bob');
    expect(state.getVerified('tk_alice', connection)?.userId).toBe('alice');
    digests.mockClear();
    state.getVerified('tk_alice', connection);
    state.getVerified('tk_alice', connection);
    expect(digests).toHaveBeenCalledTimes(2);
  });

  it('a cached JWT is not answered from the cache once it has expired', () => {
    const clock = new Clock();
    state = new AuthStateService({} as never, {} as never, clock);
    const connection = {};
    state.rememberVerified(
      'jwt',
      { via: 'jwt', userId: 'alice', sessionId: 's', exp: Math.floor(clock.now() / 1000) + 60 },
      connection,
    );
    expect(state.getVerified('jwt', connection)).toBeDefined();
    clock.advance(61_000);
    expect(state.getVerified('jwt', connection)).toBeUndefined();
  });
});
