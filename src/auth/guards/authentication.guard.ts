import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, ErrorCode } from '../../common/errors';
import { IS_PUBLIC, routeMetadata } from '../../common/decorators';
import { Principal } from '../../common/principal';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { RateLimitGuard } from '../../rate-limit/rate-limit.guard';
import { CredentialRequest, extractCredential, PresentedCredential } from '../credential/extract-credential';
import { PrincipalCache, VerifiedCredential } from '../credential/principal-cache';
import { UsageBuffer } from '../credential/usage-buffer';
import { AppPassport } from '../strategies/app-passport';

type GuardedRequest = CredentialRequest & { principal?: Principal };

/**
 * Default-deny authentication (first of the global guards). Passport (jwt, api-key) is the authority on a
 * cache miss; a verified credential is then cached until it expires, and every request still resolves the
 * user and session through the PrincipalCache, which drops what every committed change makes stale.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    reflector: Reflector,
    private readonly state: PrincipalCache,
    private readonly usage: UsageBuffer,
    private readonly passport: AppPassport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly rateLimit?: RateLimitGuard,
  ) {
    this.isPublic = routeMetadata<boolean>(reflector, IS_PUBLIC);
  }

  private readonly isPublic: (context: ExecutionContext) => boolean | undefined;

  /**
   * Synchronous when the credential and its user/session state are cached (Nest's guard loop then awaits nothing);
   * otherwise passport verifies it and the state is loaded.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.isPublic(context)) return true;
    const req = context.switchToHttp().getRequest<GuardedRequest>();
    let pending: Promise<true>;
    try {
      const credential = extractCredential(req, this.config.allowApiKeyQuery);
      if (!credential) throw new AppError(ErrorCode.NotAuthenticated, 'Not authenticated');
      const cached = this.state.getVerified(credential.value);
      // Each carrier accepts only its own kind: a JWT verified as a bearer token is not an API key in X-API-Key.
      const verified = cached?.via === credential.kind ? cached : undefined;
      if (verified) {
        const resolved = this.state.resolve(verified);
        if (!(resolved instanceof Promise)) return this.admit(req, resolved);
        pending = resolved.then((principal) => this.admit(req, principal));
      } else {
        pending = this.verify(context, req, credential);
      }
    } catch (err) {
      return this.refuse(context, err);
    }
    return pending.catch((err: unknown) => this.refuse(context, err));
  }

  /** A credential not seen (or expired from the cache): passport is the authority. */
  private async verify(context: ExecutionContext, req: GuardedRequest, credential: PresentedCredential): Promise<true> {
    const http = context.switchToHttp();
    const { err, user } = await this.passport.authenticate(['jwt', 'api-key'], req, http.getResponse());
    const verified = this.verifiedOrThrow(err, user, credential);
    this.state.rememberVerified(credential.value, verified);
    return this.admit(req, await this.state.resolve(verified));
  }

  private admit(req: GuardedRequest, principal: Principal): true {
    req.principal = principal;
    this.usage.recordRequest(principal.user.id);
    if (principal.via === 'api_key') this.usage.touchApiKey(principal.user.id);
    else if (principal.sessionId) this.usage.touchSession(principal.sessionId);
    return true;
  }

  /**
   * A failed authentication is anonymous traffic: it spends the IP's budget (429 once spent), so API keys and
   * tokens cannot be guessed faster than any anonymous client may call.
   */
  private async refuse(context: ExecutionContext, err: unknown): Promise<never> {
    if (err instanceof AppError && err.status === 401) await this.rateLimit?.countFailedAuthentication(context);
    throw err;
  }

  private verifiedOrThrow(err: unknown, user: unknown, credential: PresentedCredential): VerifiedCredential {
    if (err instanceof AppError) throw err;
    if (err || !user)
      throw credential.kind === 'api_key'
        ? new AppError(ErrorCode.InvalidApiKey, 'Invalid API key')
        : new AppError(ErrorCode.InvalidToken, 'Invalid or expired token');
    return user as VerifiedCredential;
  }
}
