import { createHmac, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { AsymmetricAlgorithm, JwtAlgorithm } from '../config/app-config';

export const ASYMMETRIC_ALGORITHMS: readonly AsymmetricAlgorithm[] = ['EdDSA', 'ES256', 'RS256'];

/** A new key pair for `alg`: Ed25519, P-256, or RSA 2048. */
export function generateSigningKeyPair(alg: AsymmetricAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
  }
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact JWS over `claims`. Signing is hand-written on node:crypto because it is synchronous (token issuance
 * stays a plain call) and has no parsing to get wrong; verification is jose's (see SigningKeyService.verify).
 */
export function signCompact(alg: JwtAlgorithm, key: KeyObject, claims: object, kid?: string): string {
  const input = `${b64(kid ? { alg, typ: 'JWT', kid } : { alg, typ: 'JWT' })}.${b64(claims)}`;
  const data = Buffer.from(input);
  let signature: Buffer;
  switch (alg) {
    case 'EdDSA':
      signature = sign(null, data, key);
      break;
    case 'ES256':
      signature = sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }); // JWS wants r||s, not DER
      break;
    case 'RS256':
      signature = sign('sha256', data, key);
      break;
    default:
      signature = createHmac(`sha${alg.slice(2)}`, key)
        .update(data)
        .digest();
  }
  return `${input}.${signature.toString('base64url')}`;
}
