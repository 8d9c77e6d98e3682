import { CanActivate, ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { KeyAccessGuard } from '../../personal-keys/key-access.guard';
import { RateLimitGuard } from '../../rate-limit/rate-limit.guard';
import { AuthenticationGuard } from './authentication.guard';
import { admittedBeforeParsing } from './pre-parse-admission';
import { RolesGuard } from './roles.guard';

/**
 * The one global guard: authentication → the API key's grant and the route's scope → roles → rate limit, in this
 * order by construction (the later steps need the principal; a 403 is answered before the budget is counted). Each
 * step stays its own guard; this runs them without awaiting what is already decided — a cached credential, a route
 * without limits — so a request whose state is in memory passes Nest's guard stage synchronously.
 */
@Injectable()
export class RequestGuard implements CanActivate {
  constructor(
    private readonly authentication: AuthenticationGuard,
    private readonly keyAccess: KeyAccessGuard,
    private readonly roles: RolesGuard,
    @Optional() private readonly rateLimit?: RateLimitGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (admittedBeforeParsing(context.switchToHttp().getRequest())) return true;
    const authenticated = this.authentication.canActivate(context);
    if (typeof authenticated === 'boolean') return authenticated && this.scoped(context);
    return authenticated.then((ok) => ok && this.scoped(context));
  }

  private scoped(context: ExecutionContext): boolean | Promise<boolean> {
    const granted = this.keyAccess.canActivate(context);
    if (typeof granted === 'boolean') return granted && this.authorize(context);
    return granted.then((ok) => ok && this.authorize(context));
  }

  private authorize(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.roles.canActivate(context)) return false;
    return this.rateLimit?.appliesTo(context) ? this.rateLimit.canActivate(context) : true;
  }
}
