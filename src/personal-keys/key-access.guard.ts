import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Clock } from '../common/clock';
import { AuthedRequest, routeMetadata } from '../common/decorators';
import { Principal } from '../common/principal';
import { KeyGrant, KeyRegistry } from './key-registry.service';
import { KeyUsage } from './key-usage.service';
import { checkRequirement, SCOPE_REQUIREMENT, ScopeRequirement } from './scopes';

/**
 * After authentication: an API key must still exist with the presented secret and not be expired (401), and the
 * route's scope must be among the key's (403 insufficient_scope). Routes declare their scope with `@RequireScope`;
 * a route without a declaration needs every scope. Synchronous when the user's keys are cached.
 */
@Injectable()
export class KeyAccessGuard implements CanActivate {
  private readonly requirement: (context: ExecutionContext) => ScopeRequirement | undefined;

  constructor(
    reflector: Reflector,
    private readonly registry: KeyRegistry,
    private readonly usage: KeyUsage,
    private readonly clock: Clock,
  ) {
    this.requirement = routeMetadata<ScopeRequirement>(reflector, SCOPE_REQUIREMENT);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
    if (!principal) return true; // a public route
    if (principal.via !== 'api_key' || !principal.keyId) {
      checkRequirement(principal, this.requirement(context));
      return true;
    }
    const now = this.clock.now();
    const grant = this.registry.check(principal, now);
    if (grant instanceof Promise) return grant.then((g) => this.admit(context, principal, g, this.clock.now()));
    return this.admit(context, principal, grant, now);
  }

  private admit(context: ExecutionContext, principal: Principal, grant: KeyGrant, now: number): true {
    principal.scopes = grant.scopes[principal.user.role];
    principal.keyRateLimits = grant.rateLimits;
    this.usage.touch(grant.id, now);
    checkRequirement(principal, this.requirement(context));
    return true;
  }
}
