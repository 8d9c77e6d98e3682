import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Role } from '../users/users.enums';
import { Principal, RequestMetadata } from './principal';

export const IS_PUBLIC = 'voicegate:public';
export const ROLES = 'voicegate:roles';

/** The only way out of default-deny authentication. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Restricts a handler (or controller) to these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

export type AuthedRequest = FastifyRequest & { principal?: Principal };

/** The authenticated caller: `{ user, sessionId?, via }`. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.principal) throw new Error('CurrentUser used on a route without authentication');
  return req.principal;
});

export function requestMeta(req: FastifyRequest): RequestMetadata {
  const ua = req.headers['user-agent'];
  return { ip: req.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null, requestId: String(req.id) };
}

/** `{ ip, userAgent, requestId }` for sessions and audit. */
export const RequestMeta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMetadata =>
  requestMeta(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
