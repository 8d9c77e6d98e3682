import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthedRequest, ROLES, routeMetadata } from '../../common/decorators';
import { AppError, ErrorCode } from '../../common/errors';
import { Role } from '../../users/users.enums';

/** Second global guard: `@Roles(...)` on a handler or controller. */
@Injectable()
export class RolesGuard implements CanActivate {
  private readonly roles: (context: ExecutionContext) => Role[] | undefined;

  constructor(reflector: Reflector) {
    this.roles = routeMetadata<Role[]>(reflector, ROLES);
  }

  canActivate(context: ExecutionContext): boolean {
    const roles = this.roles(context);
    if (!roles?.length) return true;
    const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
    if (!principal || !roles.includes(principal.user.role))
      throw new AppError(ErrorCode.Forbidden, 'You do not have permission to perform this action');
    return true;
  }
}
