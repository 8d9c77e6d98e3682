import { SetMetadata } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { routeOptionsTarget } from './route-targets';

const LARGE_BODY = 'voicegate:large-body';

/** The route takes the large body limit (transcripts); every other route has the small one. */
export const LargeBody = () => SetMetadata(LARGE_BODY, true);

/** Gives each route its body limit as Fastify registers it (call before `app.init()`, after tagging the targets). */
export function applyBodyLimits(fastify: FastifyInstance, limits: { small: number; large: number }): void {
  fastify.addHook('onRoute', (opts) => {
    const target = routeOptionsTarget(opts);
    opts.bodyLimit = target && Reflect.getMetadata(LARGE_BODY, target.handler) ? limits.large : limits.small;
  });
}
