import { Injectable } from '@nestjs/common';
import { looksLikeApiKey } from '../personal-keys/personal-key.util';
import { PersonalKeysService } from '../personal-keys/personal-keys.service';
import { Clock } from '../common/clock';
import { isUuid } from '../common/pipes';
import { Principal, RequestMetadata } from '../common/principal';
import { assertUsable, PrincipalCache } from '../auth/credential/principal-cache';
import { SessionsRepository } from '../sessions/sessions.repository';
import { SessionsService } from '../sessions/sessions.service';
import { SigningKeyService } from '../signing-keys/signing-key.service';
import { ADMIN_ONLY_SCOPES, scopesOf } from '../common/scopes';
import { Role } from '../common/role';
import { StreamTokenClaims, StreamTokenService } from '../stream-tokens/stream-token.service';
import { IntrospectedType, IntrospectionResponseDto } from './dto/oauth-response.dto';

/** RFC 7662: `{active:false}` and nothing else for a token that is not live (IntrospectionResponseDto). */
export type Introspection = IntrospectionResponseDto;

interface SessionTokenClaims {
  sub: string;
  sid: string;
  jti: string;
  type: 'access' | 'refresh';
  iat: number;
  exp: number;
  iss: string;
  amr?: string[];
}

const INACTIVE: Introspection = { active: false };
const MAX_TOKEN_LENGTH = 4096;

/**
 * Introspection (RFC 7662) and revocation (RFC 7009) of everything Voicegate issues: access, refresh and stream tokens
 * and API keys. A token is live when its signature and expiry hold and whatever it hangs on (session, owner, key,
 * single use) still stands — the same rules the guard and the gate apply.
 */
@Injectable()
export class TokenIntrospectionService {
  constructor(
    private readonly signer: SigningKeyService,
    private readonly state: PrincipalCache,
    private readonly sessions: SessionsService,
    private readonly sessionRows: SessionsRepository,
    private readonly streams: StreamTokenService,
    private readonly apiKeys: PersonalKeysService,
    private readonly clock: Clock,
  ) {}

  async introspect(token: string): Promise<Introspection> {
    if (!token || token.length > MAX_TOKEN_LENGTH) return INACTIVE;
    try {
      if (looksLikeApiKey(token)) return await this.introspectApiKey(token);
      const claims = await this.verifyJwt(token);
      if (!claims) return INACTIVE;
      if (claims.type === 'stream') return await this.introspectStream(token);
      return await this.introspectSessionToken(claims as SessionTokenClaims);
    } catch {
      return INACTIVE; // any refusal: revoked, suspended, deleted, spent, malformed
    }
  }

  private async introspectSessionToken(claims: SessionTokenClaims): Promise<Introspection> {
    const principal = await this.state.resolve({
      via: 'jwt',
      userId: claims.sub,
      sessionId: claims.sid,
      tokenId: claims.jti,
      exp: claims.exp,
    });
    // A refresh token is live only while it is its session's current one (a superseded one would trip reuse).
    if (claims.type === 'refresh') {
      const session = await this.sessionRows.findOwned(claims.sub, claims.sid);
      if (session?.refreshTokenJti !== claims.jti) return INACTIVE;
    }
    return this.active(principal, claims.type === 'access' ? 'access_token' : 'refresh_token', claims);
  }

  private async introspectStream(token: string): Promise<Introspection> {
    const { claims, principal } = await this.streams.check(token);
    if (await this.streams.isSpent(claims.jti)) return INACTIVE;
    return {
      active: true,
      sub: principal.user.id,
      username: principal.user.username,
      scope: claims.scope,
      token_type: 'stream_token',
      exp: claims.exp,
      iat: claims.iat,
      ...(claims.sid ? { sid: claims.sid } : {}),
      ...(claims.key_id ? { client_id: claims.key_id } : {}),
      iss: claims.iss,
    };
  }

  private async introspectApiKey(key: string): Promise<Introspection> {
    const found = await this.apiKeys.findBySecret(key);
    if (!found) return INACTIVE;
    const owner = await this.state.userState(found.userId);
    if (!owner) return INACTIVE;
    assertUsable(owner.snapshot);
    // A key's admin-only scopes count only while its owner is an admin.
    const scopes = found.scopes?.filter((s) => owner.snapshot.role === Role.Admin || !ADMIN_ONLY_SCOPES.includes(s));
    const principal = { user: owner.snapshot, via: 'api_key', scopes } as Principal;
    return {
      active: true,
      sub: owner.snapshot.id,
      username: owner.snapshot.username,
      scope: scopesOf(principal).join(' '),
      token_type: 'api_key',
      iat: Math.floor(new Date(found.createdAt).getTime() / 1000),
      ...(found.expiresAt ? { exp: Math.floor(new Date(found.expiresAt).getTime() / 1000) } : {}),
      client_id: found.keyId,
    };
  }

  private active(principal: Principal, type: IntrospectedType, claims: SessionTokenClaims): Introspection {
    return {
      active: true,
      sub: principal.user.id,
      username: principal.user.username,
      scope: scopesOf(principal).join(' '),
      token_type: type,
      exp: claims.exp,
      iat: claims.iat,
      sid: claims.sid,
      iss: claims.iss,
      ...(Array.isArray(claims.amr) ? { amr: claims.amr } : {}),
    };
  }

  /**
   * Ends what a token stands for: an access or refresh token's session, a stream token's single use, an API key.
   * Anything else (unknown, expired, malformed) is ignored, as RFC 7009 asks.
   */
  async revoke(token: string, meta: Partial<RequestMetadata>): Promise<void> {
    if (!token || token.length > MAX_TOKEN_LENGTH) return;
    if (looksLikeApiKey(token)) {
      await this.apiKeys.deleteBySecret(token, meta);
      return;
    }
    const claims = await this.verifyJwt(token);
    if (!claims) return;
    if (claims.type === 'stream') {
      await this.streams.revoke(claims as StreamTokenClaims);
      return;
    }
    const session = await this.sessionRows.findOwned(claims.sub, claims.sid);
    if (session) await this.sessions.revoke(session.id, 'oauth_revoke', { actorId: claims.sub, meta });
  }

  /** A token Voicegate signed, of a known type, with well-formed ids; null otherwise. */
  private async verifyJwt(token: string): Promise<(SessionTokenClaims | StreamTokenClaims) | null> {
    let claims: Record<string, unknown>;
    try {
      claims = (await this.signer.verify(token)) as Record<string, unknown>;
    } catch {
      return null;
    }
    if (!isUuid(claims.sub) || !isUuid(claims.jti) || typeof claims.exp !== 'number') return null;
    if (claims.type === 'stream') return claims as unknown as StreamTokenClaims;
    if ((claims.type === 'access' || claims.type === 'refresh') && isUuid(claims.sid))
      return claims as unknown as SessionTokenClaims;
    return null;
  }
}
