import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { KeyObject, randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { isUuid } from '../common/pipes';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { SigningKeyService } from '../signing-keys/signing-key.service';
import { Role } from '../users/users.enums';

export const JWT_KEY = Symbol('JWT_KEY');
/**
 * How far in the future a token's `iat` may lie (clock skew between instances). A token "issued" later than that
 * was not issued by an instance with a sane clock: refused, like one whose `nbf` has not come yet.
 */
export const MAX_CLOCK_SKEW_SECONDS = 60;

/** `iat` present and not in the future beyond the allowed skew (jsonwebtoken checks `nbf` and `exp`, not `iat`). */
export const issuedInThePast = (claims: { iat?: unknown }, nowMs: number): boolean =>
  typeof claims.iat === 'number' && claims.iat <= nowMs / 1000 + MAX_CLOCK_SKEW_SECONDS;

export interface TokenClaims {
  sub: string;
  sid: string;
  jti: string;
  type: 'access' | 'refresh';
  role: Role;
  iat: number;
  exp: number;
  iss: string;
  /** How the sign-in was authenticated (RFC 8176), on tokens of a sign-in with a second factor or a passkey. */
  amr?: string[];
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
  accessJti: string;
  refreshJti: string;
}

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JWT_KEY) private readonly key: KeyObject,
    private readonly signer: SigningKeyService,
  ) {}

  issuePair(
    user: { id: string; role: Role },
    sessionId: string,
    refreshJti: string = randomUUID(),
    amr?: string[],
  ): TokenPair {
    const iat = Math.floor(this.clock.now() / 1000);
    const accessJti = randomUUID();
    const base = {
      sub: user.id,
      sid: sessionId,
      role: user.role,
      iat,
      iss: this.config.jwt.issuer,
      ...(amr ? { amr } : {}),
    };
    const sign = (payload: object) =>
      this.signer.asymmetric
        ? this.signer.sign(payload)
        : this.jwt.sign(payload, {
            secret: this.key as unknown as string,
            algorithm: this.config.jwt.algorithm as 'HS256',
          });
    return {
      access_token: sign({ ...base, jti: accessJti, type: 'access', exp: iat + this.config.jwt.accessTtlSeconds }),
      refresh_token: sign({ ...base, jti: refreshJti, type: 'refresh', exp: iat + this.config.jwt.refreshTtlSeconds }),
      token_type: 'bearer',
      expires_in: this.config.jwt.accessTtlSeconds,
      accessJti,
      refreshJti,
    };
  }

  /** Verifies a refresh token (signature, pinned algorithm, issuer, expiry, type). */
  async verifyRefresh(token: unknown): Promise<TokenClaims> {
    if (typeof token !== 'string' || token.length > 4096) throw this.invalidRefresh();
    let claims: TokenClaims;
    try {
      claims = this.signer.asymmetric
        ? ((await this.signer.verify(token)) as unknown as TokenClaims)
        : this.jwt.verify<TokenClaims>(token, {
            secret: this.key as unknown as string,
            algorithms: [this.config.jwt.algorithm as 'HS256'],
            issuer: this.config.jwt.issuer,
            clockTimestamp: Math.floor(this.clock.now() / 1000),
          });
    } catch {
      throw this.invalidRefresh();
    }
    if (
      claims.type !== 'refresh' ||
      !isUuid(claims.sid) ||
      !isUuid(claims.sub) ||
      !claims.jti ||
      !issuedInThePast(claims, this.clock.now())
    )
      throw this.invalidRefresh();
    return claims;
  }

  private invalidRefresh(): AppError {
    return new AppError(ErrorCode.InvalidGrant, 'Invalid or expired refresh token', {
      extensions: { error: 'invalid_grant' },
    });
  }
}
