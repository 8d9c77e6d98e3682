import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem, toProblem } from '../common/problem-details';
import { API_HEADERS } from '../common/security-headers';
import { GateAnswer, GateService } from './gate.service';

export const GATE_PATH = '/auth/verify';

const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/**
 * The forward-auth endpoint of nginx `auth_request`, Caddy `forward_auth` and Traefik `ForwardAuth`, any method.
 * Registered on Fastify directly, outside Nest's router: the gate authenticates, rate limits and counts the original
 * request itself, so Nest's guard, pipe and interceptor chain has nothing to decide here, and on the request the
 * gateway sends for every call of the speech apps that chain cost as much as the decision. Fastify's hooks (the
 * body limit, the hostile-input check, the request id, the access log) still run.
 */
export function registerGateRoute(app: NestFastifyApplication): void {
  const gate = app.get(GateService);
  const logger = new Logger('Errors');
  app
    .getHttpAdapter()
    .getInstance()
    .all(
      GATE_PATH,
      {
        // What the hooks refuse (a malformed body) and what the decision throws: problem+json, as on every route.
        errorHandler: (err, req, reply) => {
          reply.headers(API_HEADERS);
          sendProblem(err, req, reply, logger);
        },
      },
      (req, reply) => {
        const answer = gate.decide(req);
        if (answer instanceof Promise) return answer.then((a) => send(req, reply, a));
        send(req, reply, answer);
        return reply;
      },
    );
}

/**
 * An allowed answer goes to the proxy only (nginx and Caddy copy the identity headers onward and drop the rest), so
 * it carries no browser headers; a refusal is what Caddy and Traefik hand to the client, so it carries the API's.
 */
function send(req: FastifyRequest, reply: FastifyReply, answer: GateAnswer): FastifyReply {
  reply.header('cache-control', 'no-store');
  const head = req.method === 'HEAD';
  if (answer.allowed)
    return reply
      .status(200)
      .headers(answer.headers)
      .header('content-type', JSON_TYPE)
      .send(head ? undefined : answer.body);
  const { problem, headers } = toProblem(answer.error, req);
  let status = problem.status;
  const extra: Record<string, string> = { ...API_HEADERS, ...answer.headers, ...headers };
  // nginx turns any auth status but 2xx/401/403 into a 500: the shipped config maps this 403 back to a 429.
  if (status === 429 && (req.query as Record<string, unknown> | undefined)?.mode === 'nginx') {
    status = 403;
    extra['x-auth-status'] = '429';
    extra['x-auth-reason'] = problem.code;
  }
  return reply
    .status(status)
    .headers(extra)
    .header('content-type', PROBLEM_TYPE)
    .send(head ? undefined : JSON.stringify(problem));
}

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** The gate's entry in the OpenAPI document (Nest's document lists only the routes of its controllers). */
export function gateInOpenApi(document: OpenAPIObject): void {
  const problem = { 'application/problem+json': { schema: { type: 'object' } } };
  const operation = (method: string) => ({
    operationId: `gate_verify_${method}`,
    summary: 'Forward auth: 200 with X-User-* identity headers, or 401/403/429 problem+json (any method)',
    description:
      'The original request comes in X-Forwarded-Method/-Uri (Caddy, Traefik) or X-Original-Method/-URI (nginx). ' +
      '`?mode=nginx` answers a 429 as 403 with X-Auth-Status: 429, X-Auth-Reason and Retry-After.',
    tags: ['gate'],
    parameters: [],
    responses: {
      '200': {
        description: 'Allowed: the identity in X-User-* headers and the body',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
      '401': { description: 'No or a bad credential', content: problem },
      '403': { description: 'Suspended, inactive or lacking the scope', content: problem },
      '429': { description: 'Over a rate limit or the month quota', content: problem },
    },
  });
  document.paths[GATE_PATH] = Object.fromEntries(OPERATION_METHODS.map((m) => [m, operation(m)]));
}
