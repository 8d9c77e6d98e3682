import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthedRequest } from '../common/decorators';
import { insufficientScope, mayIntrospect } from '../stream-tokens/scopes';

/** Introspection is for admins and keys holding `introspect`: decided before the body is validated, as roles are. */
@Injectable()
export class IntrospectionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
    if (!principal || !mayIntrospect(principal)) throw insufficientScope('introspect');
    return true;
  }
}
