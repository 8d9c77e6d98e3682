import { ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError, ErrorCode } from '../../common/errors';
import { IS_PUBLIC, routeMetadata } from '../../common/decorators';
import { Principal } from '../../common/principal';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { RateLimitGuard } from '../../rate-limit/rate-limit.guard';
import { UsageBuffer } from '../../users/usage-buffer.service';
import { AuthStateService, VerifiedCredential } from '../../sessions/auth-state.service';
import { CredentialRequest, extractCredential } from '../credentials';

type GuardedRequest = CredentialRequest & { principal?: Principal; user?: unknown };

/**
 * Default-deny authentication (first of the global guards). Passport (jwt, api-key) is the authority on a
 * cache miss; a verified credential is then cached until it expires, and every request still resolves the
 * user and session through AuthStateService, whose invalidation keeps revocation immediate.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard(['jwt', 'api-key']) {
  constructor(
    reflector: Reflector,
    private readonly state: AuthStateService,
    private readonly usage: UsageBuffer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly rateLimit?: RateLimitGuard,
  ) {
    super();
    this.isPublic = routeMetadata<boolean>(reflector, IS_PUBLIC);
  }

  private readonly isPublic: (context: ExecutionContext) => boolean | undefined;

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    try {
      return await this.authenticate(context);
    } catch (err) {
      // A failed authentication is anonymous traffic: it spends the IP's budget (429 once spent), so API keys
      // and tokens cannot be guessed faster than any anonymous client may call.
      if (err instanceof AppError && err.status === 401) await this.rateLimit?.countFailedAuthentication(context);
      throw err;
    }
  }

  private async authenticate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<GuardedRequest>();
    const credential = extractCredential(req, this.config.allowApiKeyQuery);
    if (!credential) throw new AppError(ErrorCode.NotAuthenticated, 'Not authenticated');

    let verified = this.state.getVerified(credential.value);
    if (!verified) {
      await super.canActivate(context);
      verified = req.user as VerifiedCredential;
      this.state.rememberVerified(credential.value, verified);
    }
    const resolved = this.state.resolve(verified);
    const principal = resolved instanceof Promise ? await resolved : resolved;
    req.principal = principal;
    this.usage.recordRequest(principal.user.id);
    if (principal.via === 'api_key') this.usage.touchApiKey(principal.user.id);
    else if (principal.sessionId) this.usage.touchSession(principal.sessionId);
    return true;
  }

  override getAuthenticateOptions() {
    return { session: false };
  }

  override handleRequest<T>(err: unknown, user: T, _info: unknown, context: ExecutionContext): T {
    if (err instanceof AppError) throw err;
    if (err || !user) {
      const kind = context.switchToHttp().getRequest<GuardedRequest>().credential?.kind;
      throw kind === 'api_key'
        ? new AppError(ErrorCode.InvalidApiKey, 'Invalid API key')
        : new AppError(ErrorCode.InvalidToken, 'Invalid or expired token');
    }
    return user;
  }
}
