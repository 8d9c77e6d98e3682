import { Clock } from '../../common/clock';
import { PrincipalCache, VerifiedCredential } from './principal-cache';

const verified = (userId: string): VerifiedCredential => ({ via: 'api_key', userId, keyHash: `hash-${userId}` });
const cache = (clock = new Clock()) => new PrincipalCache({} as never, {} as never, {} as never, {} as never, clock);

describe('PrincipalCache: verified credentials', () => {
  it('answers each credential as itself, never another caller', () => {
    const sut = cache();
    sut.rememberVerified('tk_alice', verified('alice'));
    sut.rememberVerified('tk_bob', verified('bob'));
    expect(sut.getVerified('tk_mallory')).toBeUndefined();
    expect(sut.getVerified('tk_bob')?.userId).toBe('bob');
    expect(sut.getVerified('tk_alice')?.userId).toBe('alice');
  });

  it('a cached JWT is not answered from the cache once it has expired', () => {
    const clock = new Clock();
    const sut = cache(clock);
    sut.rememberVerified('jwt', {
      via: 'jwt',
      userId: 'alice',
      sessionId: 's',
      exp: Math.floor(clock.now() / 1000) + 60,
    });
    expect(sut.getVerified('jwt')).toBeDefined();
    clock.advance(61_000);
    expect(sut.getVerified('jwt')).toBeUndefined();
  });
});
