import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthedRequest } from '../common/decorators';
import { insufficientScope, mayIntrospect } from '../common/scopes';

/** Introspection is for admins and keys holding `introspect`: decided before the body is validated, as roles are. */
@Injectable()
export class IntrospectionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
    if (!principal || !mayIntrospect(principal))
      throw insufficientScope(
        ['introspect'],
        'Introspection needs an administrator or a key with the scope "introspect"',
      );
    return true;
  }
}
