import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Role } from '../users/users.enums';
import { Principal, RequestMetadata } from './principal';

export const IS_PUBLIC = 'voicegate:public';
export const ROLES = 'voicegate:roles';

/** The only way out of default-deny authentication. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Restricts a handler (or controller) to these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/**
 * `reflector.getAllAndOverride(key, [handler, class])`, read once per route: route metadata is fixed once the app
 * has started, and every global guard asks on every request (reflect-metadata walks prototype chains each time).
 */
export function routeMetadata<T>(reflector: Reflector, key: string): (context: ExecutionContext) => T | undefined {
  const seen = new Map<Function, Map<Function, T | undefined>>(); // eslint-disable-line @typescript-eslint/no-unsafe-function-type
  return (context) => {
    const handler = context.getHandler();
    const cls = context.getClass();
    let byClass = seen.get(handler);
    if (!byClass) seen.set(handler, (byClass = new Map()));
    if (byClass.has(cls)) return byClass.get(cls);
    const value = reflector.getAllAndOverride<T | undefined>(key, [handler, cls]);
    byClass.set(cls, value);
    return value;
  };
}

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
