import { ForbiddenException, SetMetadata } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { routeTarget } from '../../common/route-targets';
import type { ExecutionContext } from '@nestjs/common';

const PASSWORD_WORK = 'voicegate:password-work';

/** The route checks or hashes a password: refused with 503 before its body is read while the hasher is full. */
export const PasswordWork = () => SetMetadata(PASSWORD_WORK, true);

const admitted = new WeakSet<object>();

/** True when the request already passed the global guard chain before its body was read. */
export const admittedBeforeParsing = (req: object) => admitted.has(req);

/**
 * Fastify preParsing hook: the global guard chain (authentication → roles → rate limit) decides before a byte of
 * the body is read or parsed, so no anonymous or over-limit request makes the service parse anything. Nest's own
 * run of the guard then sees the decision and passes.
 */
/**
 * `guard` is the global RequestGuard and `hasher` the PasswordHasher (each typed by what is used of it, so these
 * files do not import each other).
 */
export function preParseAdmission(
  guard: { canActivate(context: ExecutionContext): boolean | Promise<boolean> },
  hasher?: { assertCapacity(): void },
) {
  return (
    req: FastifyRequest,
    reply: FastifyReply,
    payload: Readable,
    done: (err: Error | null, payload?: Readable) => void,
  ): void => {
    const target = routeTarget(req);
    if (!target) return done(null, payload);
    if (hasher && Reflect.getMetadata(PASSWORD_WORK, target.handler))
      try {
        hasher.assertCapacity(); // the cheapest refusal under a storm: nothing read, nothing counted
      } catch (err) {
        return done(err as Error);
      }
    const context = new ExecutionContextHost([req, reply, undefined], target.cls, target.handler);
    context.setType('http');
    const decide = (ok: boolean) => {
      if (!ok) return done(new ForbiddenException()); // what Nest answers when a guard returns false
      admitted.add(req);
      done(null, payload);
    };
    let decided: boolean | Promise<boolean>;
    try {
      decided = guard.canActivate(context);
    } catch (err) {
      return done(err as Error);
    }
    if (typeof decided === 'boolean') decide(decided);
    else decided.then(decide, (err: Error) => done(err));
  };
}
