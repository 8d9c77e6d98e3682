import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError, ErrorCode } from './errors';

/** True when a string anywhere in a parsed body or query holds U+0000 (bounded depth: parsed JSON is finite). */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value)) if (k.includes('\u0000') || containsNul(v, depth + 1)) return true;
  return false;
}

/**
 * Fastify preValidation hook: no text field has a use for U+0000, and PostgreSQL cannot store it (the statement
 * fails: a 500 any anonymous client could cause on /auth/login). Refused like malformed JSON, before
 * authentication and validation, the same on both databases.
 */
export function rejectNulBytes(req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (containsNul(req.body) || containsNul(req.query)) done(new AppError(ErrorCode.MalformedBody, 'Request contains a NUL character (U+0000), which no field accepts'));
  else done();
}
