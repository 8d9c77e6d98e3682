import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthedRequest, routeMetadata } from '../common/decorators';
import { Principal } from '../common/principal';
import { checkRequirement, SCOPE_REQUIREMENT, ScopeRequirement } from '../common/scopes';
import { KeyRegistry } from './key-registry.service';

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
  ) {
    this.requirement = routeMetadata<ScopeRequirement>(reflector, SCOPE_REQUIREMENT);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
    if (!principal) return true; // a public route
    const admitted = this.registry.admit(principal);
    if (admitted instanceof Promise) return admitted.then(() => this.allowed(context, principal));
    return this.allowed(context, principal);
  }

  private allowed(context: ExecutionContext, principal: Principal): true {
    checkRequirement(principal, this.requirement(context));
    return true;
  }
}
