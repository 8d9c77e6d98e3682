import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { isUuid } from '../common/pipes';
import { Principal, UserSnapshot } from '../common/principal';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { assertUsable, PrincipalCache } from '../auth/credential/principal-cache';
import { SigningKeyService } from '../signing-keys/signing-key.service';
import { Role } from '../users/users.enums';
import { insufficientScope, scopesOf } from '../common/scopes';
import { STREAM_SCOPES, StreamScope } from './scopes';
import { StreamTokenLedger } from './stream-token-ledger';

export const STREAM_TOKEN_DEFAULT_TTL_SECONDS = 60;
export const STREAM_TOKEN_MAX_TTL_SECONDS = 600;

export interface StreamTokenClaims {
  sub: string;
  /** The session of the JWT it was minted with (absent when minted with an API key). */
  sid?: string;
  /** The API key it was minted with, when keys have ids. */
  key_id?: string;
  jti: string;
  type: 'stream';
  scope: StreamScope;
  role: Role;
  iat: number;
  exp: number;
  iss: string;
}

/** The caller a stream token stands for: its owner, with the token's one scope. */
export interface StreamPrincipal {
  user: UserSnapshot;
  sessionId?: string;
  tokenId: string;
  via: 'stream';
  scopes: [StreamScope];
  /** Epoch seconds. */
  exp: number;
}

/**
 * Short-lived, single-use tokens for clients that cannot send headers (a browser's WebSocket): minted with a JWT or a
 * key holding the scope, accepted only by the gate, once on every instance. Every check runs before the single use is
 * claimed, so a refused use does not spend the token.
 */
@Injectable()
export class StreamTokenService {
  constructor(
    private readonly signer: SigningKeyService,
    private readonly state: PrincipalCache,
    private readonly ledger: StreamTokenLedger,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  mint(
    principal: Principal,
    scope: StreamScope,
    ttlSeconds = STREAM_TOKEN_DEFAULT_TTL_SECONDS,
  ): { token: string; expires_in: number; jti: string } {
    if (!scopesOf(principal).includes(scope)) throw insufficientScope([scope], `This needs the scope "${scope}"`);
    const iat = Math.floor(this.clock.now() / 1000);
    const jti = randomUUID();
    const keyId = (principal as Principal & { keyId?: string }).keyId;
    const claims: StreamTokenClaims = {
      sub: principal.user.id,
      ...(principal.via === 'jwt' && principal.sessionId ? { sid: principal.sessionId } : {}),
      ...(principal.via === 'api_key' && keyId ? { key_id: keyId } : {}),
      jti,
      type: 'stream',
      scope,
      role: principal.user.role,
      iat,
      exp: iat + ttlSeconds,
      iss: this.config.jwt.issuer,
    };
    return { token: this.signer.sign(claims), expires_in: ttlSeconds, jti };
  }

  /**
   * Accepts a stream token once. `scope`: the scope the requested route needs (null: a route of no speech class, which
   * a stream token never opens). Returns its owner, or throws: 401 invalid/expired/used/parent session revoked,
   * 403 suspended/inactive owner or another scope, 503 when the single use cannot be recorded (Redis down).
   */
  async consume(token: string, opts: { scope: string | null }): Promise<StreamPrincipal> {
    const { claims, principal } = await this.check(token);
    if (opts.scope !== claims.scope)
      throw insufficientScope([opts.scope ?? claims.scope], 'Stream token not valid here');
    if (!(await this.ledger.claim(claims.jti, claims.exp * 1000)))
      throw new AppError(ErrorCode.StreamTokenUsed, 'Stream token already used');
    return principal;
  }

  /** Signature, claims, owner and parent session, without spending it (introspection). */
  async check(token: string): Promise<{ claims: StreamTokenClaims; principal: StreamPrincipal }> {
    const claims = await this.verify(token);
    let user: UserSnapshot;
    if (claims.sid) {
      // The parent session's revocation, the owner's suspension or deletion: as for the JWT it was minted with.
      const p = await this.state.resolve({
        via: 'jwt',
        userId: claims.sub,
        sessionId: claims.sid,
        tokenId: claims.jti,
      });
      user = p.user;
    } else {
      const owner = await this.state.userState(claims.sub);
      if (!owner) throw invalid();
      assertUsable(owner.snapshot);
      user = owner.snapshot;
    }
    return {
      claims,
      principal: {
        user,
        sessionId: claims.sid,
        tokenId: claims.jti,
        via: 'stream',
        scopes: [claims.scope],
        exp: claims.exp,
      },
    };
  }

  /** True when `token` is a well-signed stream token that has been used. */
  isSpent(jti: string): Promise<boolean> {
    return this.ledger.isSpent(jti);
  }

  /** Spends a stream token without using it (revocation); false when it was already spent. */
  async revoke(claims: StreamTokenClaims): Promise<boolean> {
    return this.ledger.claim(claims.jti, claims.exp * 1000);
  }

  /** A verified stream token's claims; 401 for anything else (another token type included). */
  async verify(token: string): Promise<StreamTokenClaims> {
    if (typeof token !== 'string' || token.length > 4096) throw invalid();
    let claims: Partial<StreamTokenClaims>;
    try {
      claims = (await this.signer.verify(token)) as Partial<StreamTokenClaims>;
    } catch {
      throw invalid();
    }
    if (
      claims.type !== 'stream' ||
      !isUuid(claims.sub) ||
      !isUuid(claims.jti) ||
      (claims.sid !== undefined && !isUuid(claims.sid)) ||
      !STREAM_SCOPES.includes(claims.scope as StreamScope) ||
      typeof claims.exp !== 'number' ||
      claims.exp * 1000 <= this.clock.now()
    )
      throw invalid();
    return claims as StreamTokenClaims;
  }
}

const invalid = () => new AppError(ErrorCode.InvalidToken, 'Invalid or expired stream token');
