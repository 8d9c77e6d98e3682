import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Role } from './role';
import { Principal, RequestMetadata } from './principal';

export const IS_PUBLIC = 'voicegate:public';
export const ROLES = 'voicegate:roles';

/** The only way out of default-deny authentication. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Restricts a handler (or controller) to these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/**
 * A Reflector whose `getAllAndOverride(key, [handler, class])` is read once per route: route metadata is fixed once
 * the app has started, and reflect-metadata walks prototype chains on every call. For guards that ask on every
 * request — ours, and @nestjs/throttler's (six reads per window).
 */
export function routeMetadataCache(reflector: Reflector): Reflector {
  const seen = new Map<unknown, Map<unknown, Map<unknown, unknown>>>();
  const cached = Object.create(reflector) as Reflector;
  cached.getAllAndOverride = ((key: unknown, targets: unknown[]) => {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    if (targets.length !== 2) return reflector.getAllAndOverride(key as string, targets as Function[]);
    const [handler, cls] = targets;
    let byHandler = seen.get(key);
    if (!byHandler) seen.set(key, (byHandler = new Map()));
    let byClass = byHandler.get(handler);
    if (!byClass) byHandler.set(handler, (byClass = new Map()));
    if (byClass.has(cls)) return byClass.get(cls);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    const value = reflector.getAllAndOverride(key as string, targets as Function[]);
    byClass.set(cls, value);
    return value;
  }) as Reflector['getAllAndOverride'];
  return cached;
}

/** One key of {@link routeMetadataCache}, for a guard's own metadata. */
export function routeMetadata<T>(reflector: Reflector, key: string): (context: ExecutionContext) => T | undefined {
  const cached = routeMetadataCache(reflector);
  return (context) => cached.getAllAndOverride<T | undefined>(key, [context.getHandler(), context.getClass()]);
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
