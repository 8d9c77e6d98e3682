import { createSecretKey, randomBytes } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { generateSigningKeyPair, signCompact } from './jws';

describe('signCompact', () => {
  const claims = { sub: 'u', iat: 1, exp: 4102444800, iss: 'voicegate' };

  it.each(['EdDSA', 'ES256', 'RS256'] as const)('%s tokens verify with jose and name their kid', async (alg) => {
    const sut = generateSigningKeyPair(alg);
    const token = signCompact(alg, sut.privateKey, claims, 'kid-1');
    expect(decodeProtectedHeader(token)).toEqual({ alg, typ: 'JWT', kid: 'kid-1' });
    const { payload } = await jwtVerify(token, sut.publicKey, { algorithms: [alg] });
    expect(payload).toEqual(claims);
    // Another key of the same kind does not verify it.
    await expect(jwtVerify(token, generateSigningKeyPair(alg).publicKey, { algorithms: [alg] })).rejects.toThrow();
  });

  it.each(['HS256', 'HS384', 'HS512'] as const)('%s tokens verify with jose, without a kid', async (alg) => {
    const key = createSecretKey(randomBytes(48));
    const token = signCompact(alg, key, claims);
    expect(decodeProtectedHeader(token)).toEqual({ alg, typ: 'JWT' });
    expect((await jwtVerify(token, key, { algorithms: [alg] })).payload).toEqual(claims);
  });

  it('ES256 signatures are the 64-byte r||s JWS asks for, not DER', () => {
    const { privateKey } = generateSigningKeyPair('ES256');
    const sig = signCompact('ES256', privateKey, claims).split('.')[2];
    expect(Buffer.from(sig, 'base64url')).toHaveLength(64);
  });
});
