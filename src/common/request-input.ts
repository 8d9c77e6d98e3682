import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { bodyWasChecked, MAX_BODY_DEPTH, MAX_BODY_VALUES } from './body-parsers';
import { AppError, ErrorCode } from './errors';

export { MAX_BODY_DEPTH, MAX_BODY_VALUES };

const NUL = 'Request contains a NUL character (U+0000), which no field accepts';

/**
 * What is wrong with a parsed body or query, if anything: a string or key holding U+0000, nesting deeper than
 * MAX_BODY_DEPTH, or more than MAX_BODY_VALUES values. Iterative (a value can nest millions of levels deep), it
 * stops at the first problem and allocates one stack entry per object or array, never one per element.
 */
export function inputProblem(value: unknown): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? NUL : null;
  if (value === null || typeof value !== 'object') return null;
  const stack: Array<[object, number]> = [[value, 1]];
  let values = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > MAX_BODY_DEPTH) return `Request body is nested too deeply (more than ${MAX_BODY_DEPTH} levels)`;
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      if (++values > MAX_BODY_VALUES) return `Request holds too many values (more than ${MAX_BODY_VALUES})`;
      if (k.includes('\u0000')) return NUL;
      const child = (v as Record<string, unknown>)[k];
      if (typeof child === 'string') {
        if (child.includes('\u0000')) return NUL;
      } else if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return null;
}

/**
 * Fastify preValidation hook, refusing like malformed JSON (400, the same on both databases) what no route can use
 * and the layers behind would fail on with a 500: U+0000 (PostgreSQL cannot store it) and deep nesting
 * (class-transformer overflows the stack near 2,500 levels, SQLite's JSON functions stop at 1,000). Bodies our
 * parsers checked as text (JSON, forms) are not walked again; the query always is.
 */
export function rejectHostileInput(req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const problem = (bodyWasChecked(req) ? null : inputProblem(req.body)) ?? inputProblem(req.query);
  if (problem) done(new AppError(ErrorCode.MalformedBody, problem));
  else done();
}
