// Cost of signing and verifying one token per algorithm, as the service does it (node bench/verify-cost.mjs):
// HS* verify through jsonwebtoken with a KeyObject (passport-jwt's path), asymmetric verify through jose with the key
// looked up by kid (SigningKeyService.verify), signing through the service's signCompact. Needs `npm run build`.
import { createRequire } from 'node:module';
import {
  createHmac,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  verify as cryptoVerify,
} from 'node:crypto';
import { jwtVerify } from 'jose';

const require = createRequire(import.meta.url);
const jwt = require('jsonwebtoken');
const { signCompact } = require('../dist/src/signing-keys/jws.js');

const ITERATIONS = Number(process.env.ITERATIONS ?? 20000);
const ROUNDS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function measure(fn) {
  for (let i = 0; i < 2000; i++) await fn(); // warm-up (JIT, key caches)
  const perRound = [];
  for (let r = 0; r < ROUNDS; r++) {
    // CPU time, not wall time: on a machine shared with other load, waiting for a core is not the token's cost.
    const start = process.cpuUsage();
    for (let i = 0; i < ITERATIONS; i++) await fn();
    const used = process.cpuUsage(start);
    perRound.push((used.user + used.system) / ITERATIONS);
  }
  return median(perRound);
}

const iat = Math.floor(Date.now() / 1000);
const claims = () => ({
  sub: randomUUID(),
  sid: randomUUID(),
  jti: randomUUID(),
  type: 'access',
  role: 'user',
  iat,
  exp: iat + 1800,
  iss: 'voicegate',
});
const rows = [];
for (const alg of ['HS256', 'EdDSA', 'ES256', 'RS256']) {
  let signKey;
  let verify;
  let raw; // the bare signature check on node:crypto, for reference
  if (alg === 'HS256') {
    signKey = createSecretKey(randomBytes(48));
    verify = (token) => jwt.verify(token, signKey, { algorithms: ['HS256'], issuer: 'voicegate' });
    raw = (data) => createHmac('sha256', signKey).update(data).digest();
  } else {
    const pair =
      alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : alg === 'ES256'
          ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
          : generateKeyPairSync('rsa', { modulusLength: 2048 });
    signKey = pair.privateKey;
    const keys = new Map([['kid-1', { alg, publicKey: pair.publicKey }]]);
    const resolve = async (header) => {
      const k = keys.get(header.kid);
      if (!k || k.alg !== header.alg) throw new Error('unknown kid');
      return k.publicKey;
    };
    verify = (token) => jwtVerify(token, resolve, { algorithms: ['EdDSA', 'ES256', 'RS256'], issuer: 'voicegate' });
    raw = (data, sig) =>
      alg === 'EdDSA'
        ? cryptoVerify(null, data, pair.publicKey, sig)
        : cryptoVerify('sha256', data, { key: pair.publicKey, dsaEncoding: 'ieee-p1363' }, sig);
  }
  const kid = alg === 'HS256' ? undefined : 'kid-1';
  const token = signCompact(alg, signKey, claims(), kid);
  const signUs = await measure(() => signCompact(alg, signKey, claims(), kid));
  const verifyUs = await measure(() => verify(token));
  const dot = token.lastIndexOf('.');
  const [data, sig] = [Buffer.from(token.slice(0, dot)), Buffer.from(token.slice(dot + 1), 'base64url')];
  const rawUs = await measure(() => raw(data, sig));
  const r1 = (x) => Math.round(x * 10) / 10;
  rows.push({ alg, sign_us: r1(signUs), verify_us: r1(verifyUs), signature_only_us: r1(rawUs) });
}
process.stdout.write(`Node ${process.version}, ${ITERATIONS} operations × ${ROUNDS} rounds, median CPU µs per token\n`);
console.table(rows);
