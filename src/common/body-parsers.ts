import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseForm } from 'node:querystring';
import { AppError, ErrorCode } from './errors';

/** Deepest nesting of objects and arrays a body may have; free-form `settings` need far less. */
export const MAX_BODY_DEPTH = 32;
/** Most values (array elements, object members) a body may hold: the largest legitimate body has a few thousand. */
export const MAX_BODY_VALUES = 10_000;

const NUL = 'Request contains a NUL character (U+0000), which no field accepts';
const DEEP = `Request body is nested too deeply (more than ${MAX_BODY_DEPTH} levels)`;
const MANY = `Request body holds too many values (more than ${MAX_BODY_VALUES})`;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * What no route can use in a JSON text, found before it is parsed, in one pass that allocates nothing and stops at
 * the first problem: nesting deeper than MAX_BODY_DEPTH, more than MAX_BODY_VALUES values, or an escaped U+0000
 * (JSON cannot carry a raw one). Syntax errors are left to the parser.
 */
export function jsonTextProblem(text: string): string | null {
  let depth = 0;
  let values = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // A string: skip to its closing quote, looking only at escapes.
      for (i++; i < n; i++) {
        const s = text.charCodeAt(i);
        if (s === QUOTE) break;
        if (s === BACKSLASH) {
          if (text.startsWith('u0000', i + 1)) return NUL;
          i++;
        }
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_BODY_DEPTH) return DEEP;
      if (++values > MAX_BODY_VALUES) return MANY;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c === COMMA && ++values > MAX_BODY_VALUES) return MANY;
  }
  return null;
}

/** The same rules for a form body, before it is parsed: values, and U+0000 (`%00`) anywhere. */
export function formTextProblem(text: string): string | null {
  let values = text.length ? 1 : 0;
  for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) if (++values > MAX_BODY_VALUES) return MANY;
  return text.includes('%00') || text.includes('\u0000') ? NUL : null;
}

/** Requests whose body was checked as text before parsing (the parsed value needs no second walk). */
const checked = new WeakSet<object>();
export const bodyWasChecked = (req: FastifyRequest) => checked.has(req);

type Done = (err: Error | null, body?: unknown) => void;

/**
 * JSON and form parsers for `app.useBodyParser`: the text is checked first (bounded, stops at the first problem),
 * then parsed — JSON by Fastify's own parser (`__proto__`/`constructor` keys refused), forms by Node's querystring.
 */
export function bodyParsers(fastify: FastifyInstance) {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  return {
    json(req: FastifyRequest, body: Buffer, done: Done): void {
      const text = body.toString('utf8');
      const problem = jsonTextProblem(text);
      if (problem) return done(new AppError(ErrorCode.MalformedBody, problem));
      checked.add(req);
      parseJson(req, text, done);
    },
    form(req: FastifyRequest, body: Buffer, done: Done): void {
      const text = body.toString('utf8');
      const problem = formTextProblem(text);
      if (problem) return done(new AppError(ErrorCode.MalformedBody, problem));
      const parsed = parseForm(text, '&', '=', { maxKeys: 0 });
      // A prototype-less object: "__proto__" copied onto another object would replace its prototype.
      if (Object.hasOwn(parsed, '__proto__'))
        return done(new AppError(ErrorCode.MalformedBody, 'Object contains forbidden prototype property'));
      checked.add(req);
      done(null, parsed);
    },
  };
}
