import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthedRequest, ROLES } from '../../common/decorators';
import { AppError, ErrorCode } from '../../common/errors';
import { Role } from '../../users/users.enums';

/** Second global guard: `@Roles(...)` on a handler or controller. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, [context.getHandler(), context.getClass()]);
    if (!roles?.length) return true;
    const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
    if (!principal || !roles.includes(principal.user.role))
      throw new AppError(ErrorCode.Forbidden, 'You do not have permission to perform this action');
    return true;
  }
}
