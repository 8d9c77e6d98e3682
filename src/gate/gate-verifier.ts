import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { KeyObject } from 'node:crypto';
import { ApiKeyStrategy } from '../auth/strategies/api-key.strategy';
import { JwtStrategy } from '../auth/strategies/jwt.strategy';
import { JWT_KEY, TokenClaims } from '../auth/token.service';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { VerifiedCredential } from '../auth/credential/principal-cache';
import { SigningKeyService } from '../signing-keys/signing-key.service';
import { GateCredential, GateCredentialKind } from './gate-credentials';

/**
 * Checks a credential the gate has not seen (or no longer caches): the same checks as the API's strategies, called
 * directly since the gate's credential does not come in the request's own headers. One verifier per credential kind.
 */
@Injectable()
export class GateVerifier {
  private readonly verifiers: Record<
    Exclude<GateCredentialKind, 'stream'>,
    (value: string) => Promise<VerifiedCredential>
  >;

  constructor(
    private readonly jwt: JwtService,
    private readonly jwtStrategy: JwtStrategy,
    private readonly apiKeyStrategy: ApiKeyStrategy,
    @Inject(JWT_KEY) private readonly key: KeyObject,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly signer: SigningKeyService,
  ) {
    this.verifiers = { jwt: (v) => this.verifyJwt(v), api_key: (v) => this.verifyApiKey(v) };
  }

  verify(credential: GateCredential): Promise<VerifiedCredential> {
    return this.verifiers[credential.kind as Exclude<GateCredentialKind, 'stream'>](credential.value);
  }

  private async verifyJwt(token: string): Promise<VerifiedCredential> {
    const invalid = () => new AppError(ErrorCode.InvalidToken, 'Invalid or expired token');
    if (token.length > 4096) throw invalid();
    let claims: TokenClaims;
    try {
      // Asymmetric algorithms are verified by the signing keys (by kid); HS* by jsonwebtoken with the secret.
      claims = this.signer.asymmetric
        ? ((await this.signer.verify(token)) as unknown as TokenClaims)
        : this.jwt.verify<TokenClaims>(token, {
            secret: this.key as unknown as string,
            algorithms: [this.config.jwt.algorithm as 'HS256'],
            issuer: this.config.jwt.issuer,
            clockTimestamp: Math.floor(this.clock.now() / 1000),
          });
    } catch {
      throw invalid();
    }
    const verified = this.jwtStrategy.validate(claims);
    if (!verified) throw invalid();
    return verified;
  }

  private async verifyApiKey(key: string): Promise<VerifiedCredential> {
    const verified = await this.apiKeyStrategy.validate(key);
    if (!verified) throw new AppError(ErrorCode.InvalidApiKey, 'Invalid API key');
    return verified;
  }
}
