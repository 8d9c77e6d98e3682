import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core/injector/modules-container';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyRequest } from 'fastify';

/** The controller class and method a Fastify route runs: what guards read their metadata from. */
export interface RouteTarget {
  cls: new (...args: never[]) => unknown;
  handler: (...args: never[]) => unknown;
}

const TARGET = 'voicegateTarget';

/**
 * Puts every controller method's class and handler into its Fastify route config (Nest copies a handler's
 * `@RouteConfig` there), so Fastify hooks can run the guards' decisions before the body is read. Call before
 * `app.init()`, which registers the routes.
 */
export function tagRouteTargets(modules: ModulesContainer): void {
  for (const module of modules.values())
    for (const wrapper of module.controllers.values()) {
      const cls = wrapper.metatype as RouteTarget['cls'] | null;
      if (!cls?.prototype) continue;
      for (const name of Object.getOwnPropertyNames(cls.prototype)) {
        const handler = Object.getOwnPropertyDescriptor(cls.prototype, name)?.value as RouteTarget['handler'];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as Record<string, unknown>;
        Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, [TARGET]: { cls, handler } }, handler);
      }
    }
}

/** The target of the route a request matched (undefined for Fastify's 404 and routes outside Nest). */
export function routeTarget(req: FastifyRequest): RouteTarget | undefined {
  return routeOptionsTarget({ config: req.routeOptions?.config });
}

/** The same, from the options Fastify's `onRoute` hook receives. */
export function routeOptionsTarget(opts: { config?: unknown }): RouteTarget | undefined {
  return (opts.config as Record<string, unknown> | undefined)?.[TARGET] as RouteTarget | undefined;
}
