import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode, FieldError } from './errors';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  request_id: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const STATUS_CODE_FALLBACK: Record<number, ErrorCode> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.NotAuthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  422: ErrorCode.ValidationFailed,
  423: ErrorCode.AccountLocked,
  429: ErrorCode.RateLimited,
  503: ErrorCode.ServiceUnavailable,
};

const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '53300']);
const NET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/** True for errors that mean "the database is not reachable right now" (answered 503, not 500). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string; driverError?: unknown } | undefined;
  if (!e) return false;
  if (e.driverError && isDatabaseUnavailable(e.driverError)) return true;
  if (e.code && (PG_UNAVAILABLE.has(e.code) || NET_UNAVAILABLE.has(e.code))) return true;
  const msg = e.message ?? '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|SQLITE_BUSY|database is locked|the database system is (starting up|shutting down)/i.test(
    msg,
  );
}

const kebab = (code: string) => code.toLowerCase().replace(/_/g, '-');

/** Turns anything thrown into the contract's RFC 9457 problem document. */
export function toProblem(
  err: unknown,
  req: FastifyRequest,
): { problem: ProblemDocument; headers: Record<string, string> } {
  let status = 500;
  let code: string = ErrorCode.Internal;
  let detail = 'An unexpected error occurred';
  let errors: FieldError[] | undefined;
  let extensions: Record<string, unknown> = {};
  let headers: Record<string, string> = {};

  if (err instanceof AppError) {
    status = err.status;
    code = err.code;
    detail = err.detail;
    errors = err.options.errors;
    extensions = err.options.extensions ?? {};
    headers = { ...(err.options.headers ?? {}) };
  } else if (err instanceof HttpException) {
    status = err.getStatus();
    code = STATUS_CODE_FALLBACK[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest);
    const body = err.getResponse();
    const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
    detail =
      status === 404
        ? `Route ${req.method} ${req.url.split('?')[0]} not found`
        : Array.isArray(message)
          ? message.join('; ')
          : String(message ?? err.message);
    // Nest's own 400s here come from body parsing (JSON syntax); validation failures are AppErrors.
    if (status === 400) {
      code = ErrorCode.MalformedBody;
      detail = `Malformed request body: ${detail.slice(0, 200)}`;
    }
  } else if (isDatabaseUnavailable(err)) {
    status = 503;
    code = ErrorCode.ServiceUnavailable;
    detail = 'The database is unavailable; try again shortly';
    headers['retry-after'] = '5';
  } else {
    const fe = err as { statusCode?: number; code?: string; message?: string };
    if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      status = fe.statusCode;
      code = STATUS_CODE_FALLBACK[status] ?? ErrorCode.BadRequest;
      if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') detail = 'Request body is too large';
      else if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
        detail = `Unsupported content type: ${String(req.headers['content-type'] ?? '').slice(0, 100)}`;
      else if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
        detail = 'Request body is empty but Content-Type is application/json';
      else if (status === 400) {
        code = ErrorCode.MalformedBody;
        detail = 'Malformed request body: ' + (fe.message ?? 'invalid').slice(0, 200);
      } else detail = fe.message ?? STATUS_CODES[status] ?? 'Error';
    }
  }
  if (status === 401 && !headers['www-authenticate']) {
    headers['www-authenticate'] =
      code === ErrorCode.InvalidToken || code === ErrorCode.InvalidApiKey ? 'Bearer error="invalid_token"' : 'Bearer';
  }
  const problem: ProblemDocument = {
    type: status === 500 ? 'about:blank' : `https://voicegate.dev/problems/${kebab(code)}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    instance: req.url.split('?')[0],
    code,
    request_id: String(req.id),
    ...extensions,
  };
  if (errors) problem.errors = errors;
  return { problem, headers };
}

export function sendProblem(
  err: unknown,
  req: FastifyRequest,
  reply: FastifyReply,
  logger: Pick<Logger, 'error'> & Partial<Pick<Logger, 'warn'>>,
): void {
  const { problem, headers } = toProblem(err, req);
  // An outage is not a bug: one warning line per request, without a stack trace for each of thousands.
  if (problem.status === 503 && logger.warn)
    logger.warn(`${req.method} ${req.url.split('?')[0]} answered 503: ${(err as Error)?.message ?? String(err)}`);
  else if (problem.status >= 500) {
    const e = err as Error;
    logger.error(`${req.method} ${req.url.split('?')[0]} failed: ${e?.message ?? String(err)}`, e?.stack);
  }
  reply
    .status(problem.status)
    .headers(headers)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send(JSON.stringify(problem));
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    sendProblem(exception, ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>(), this.logger);
  }
}
