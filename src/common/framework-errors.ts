import type { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { AppError, ErrorCode } from './errors';
import { sendProblem } from './problem-details';
import { API_HEADERS } from './security-headers';

/**
 * Fastify's `frameworkErrors`: a URL the router cannot even look up (bad percent-encoding, a path parameter over
 * maxParamLength) is answered before Nest and its filter, with Fastify's own JSON. These keep the contract's
 * problem+json: a malformed URL is a 400, an over-long id names no resource (404).
 */
export function frameworkErrorHandler(logger: Pick<Logger, 'error'>) {
  return (err: Error & { code?: string }, req: FastifyRequest, reply: FastifyReply): void => {
    const mapped =
      err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? AppError.notFound()
        : err.code === 'FST_ERR_BAD_URL'
          ? new AppError(ErrorCode.BadRequest, 'Malformed URL: invalid percent-encoding')
          : err;
    // No onRequest hook ran for this request: the API's headers and the request id, as on every other JSON answer.
    reply.headers(API_HEADERS).header('x-request-id', String(req.id));
    sendProblem(mapped, req, reply, logger);
  };
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the request itself (request line or headers over
 * 16 KB → 431, a timeout → 408, unparsable → 400). Fastify writes plain JSON there; this writes a problem.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, ErrorCode.PayloadTooLarge, 'Request line or headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, ErrorCode.BadRequest, 'Request timed out']
        : [400, ErrorCode.BadRequest, 'Malformed HTTP request'];
  const title = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify({
    type: `https://voicegate.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    detail,
    instance: '',
    code,
    request_id: randomUUID(),
  });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Content-Type-Options: nosniff\r\nContent-Security-Policy: ${API_HEADERS['content-security-policy']}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(err);
}
