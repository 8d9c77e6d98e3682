import { Inject, Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { Strategy, StrategyOptionsWithoutRequest } from 'passport-jwt';
import { Clock } from '../../common/clock';
import { isUuid } from '../../common/pipes';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { CredentialRequest } from '../credential/extract-credential';
import { VerifiedCredential } from '../credential/principal-cache';
import { SigningKeyService } from '../../signing-keys/signing-key.service';
import { issuedInThePast, JWT_KEY, TokenClaims } from '../token.service';
import { OwnPassportStrategy } from './own-passport-strategy';

/** Access tokens only; the algorithm is pinned and the secret is a KeyObject (see JWT_KEY). */
@Injectable()
export class JwtStrategy extends OwnPassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(JWT_KEY) key: KeyObject,
    private readonly clock: Clock,
    private readonly signer: SigningKeyService,
  ) {
    const options: StrategyOptionsWithoutRequest = {
      jwtFromRequest: (req: CredentialRequest) => (req.credential?.kind === 'jwt' ? req.credential.value : null),
      secretOrKey: key as unknown as string, // passport-jwt's types reject KeyObject, its runtime accepts it
      algorithms: [config.jwt.algorithm as 'HS256'], // HS* only: see authenticate()
      issuer: config.jwt.issuer,
    };
    super(options);
  }

  /** Asymmetric algorithms: jsonwebtoken (passport-jwt's verifier) has no EdDSA, so the signer verifies. */
  override authenticate(req: Parameters<Strategy['authenticate']>[0], options?: object): void {
    if (!this.signer.asymmetric) return super.authenticate(req, options);
    const credential = (req as unknown as CredentialRequest).credential;
    const token = credential?.kind === 'jwt' ? credential.value : null;
    if (!token) return this.fail('No auth token', 401);
    this.signer.verify(token).then(
      (claims) => {
        const verified = this.validate(claims as unknown as TokenClaims);
        return verified ? this.success(verified) : this.fail('Invalid token', 401);
      },
      () => this.fail('Invalid token', 401),
    );
  }

  validate(claims: TokenClaims): VerifiedCredential | false {
    // Ids that are not UUIDs would reach PostgreSQL's uuid columns (a 500): refused here like any bad claim.
    if (claims.type !== 'access' || !isUuid(claims.sub) || !isUuid(claims.sid)) return false;
    // jsonwebtoken checks expiry against the wall clock; the injected clock decides too (tests move it forward).
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= this.clock.now()) return false;
    if (!issuedInThePast(claims, this.clock.now())) return false;
    return { via: 'jwt', userId: claims.sub, sessionId: claims.sid, tokenId: claims.jti, exp: claims.exp };
  }
}
