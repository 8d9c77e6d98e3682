import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError, ErrorCode } from './errors';

/** Deepest nesting of objects and arrays a body may have; free-form `settings` need far less. */
export const MAX_BODY_DEPTH = 32;

/**
 * What is wrong with a parsed body or query, if anything: a string or key holding U+0000, or nesting deeper than
 * MAX_BODY_DEPTH. One iterative pass (no recursion: a 10 MB body can nest millions of levels deep).
 */
export function inputProblem(value: unknown): string | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return 'Request contains a NUL character (U+0000), which no field accepts';
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_BODY_DEPTH) return `Request body is nested too deeply (more than ${MAX_BODY_DEPTH} levels)`;
      for (const [k, child] of Object.entries(v)) {
        if (k.includes('\u0000')) return 'Request contains a NUL character (U+0000), which no field accepts';
        stack.push([child, depth + 1]);
      }
    }
  }
  return null;
}

/**
 * Fastify preValidation hook, refusing like malformed JSON (400, before authentication and validation, the same
 * on both databases) what no route can use and the layers behind would fail on with a 500: U+0000 (PostgreSQL
 * cannot store it) and deep nesting (class-transformer overflows the stack near 2,500 levels, SQLite's JSON
 * functions stop at 1,000).
 */
export function rejectHostileInput(req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const problem = inputProblem(req.body) ?? inputProblem(req.query);
  if (problem) done(new AppError(ErrorCode.MalformedBody, problem));
  else done();
}
