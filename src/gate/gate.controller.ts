import { All, Controller, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/decorators';
import { toProblem } from '../common/problem-details';
import { SkipRateLimit } from '../rate-limit/rate-limit.decorators';
import { GateAnswer, GateService } from './gate.service';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The forward-auth endpoint of nginx `auth_request`, Caddy `forward_auth` and Traefik `ForwardAuth`. Public and not
 * rate limited by the global guard: the gate authenticates and counts the original request itself.
 */
@ApiTags('gate')
@Controller('auth/verify')
export class GateController {
  constructor(private readonly gate: GateService) {}

  @All()
  @Public()
  @SkipRateLimit()
  @ApiOperation({
    summary: 'Forward auth: 200 with X-User-* identity headers, or 401/403/429 problem+json (any method)',
    // The query is the proxy's: Caddy appends the client's own, so no parameter is refused.
    description:
      'The original request comes in X-Forwarded-Method/-Uri (Caddy, Traefik) or X-Original-Method/-URI (nginx). ' +
      '`?mode=nginx` answers a 429 as 403 with X-Auth-Status: 429, X-Auth-Reason and Retry-After.',
  })
  verify(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void | Promise<void> {
    const answer = this.gate.decide(req);
    if (answer instanceof Promise) return answer.then((a) => this.send(req, reply, a));
    this.send(req, reply, answer);
  }

  private send(req: FastifyRequest, reply: FastifyReply, answer: GateAnswer): void {
    reply.header('cache-control', 'no-store');
    if (answer.allowed) {
      reply
        .status(200)
        .headers(answer.headers)
        .header('content-type', JSON_TYPE)
        .send(req.method === 'HEAD' ? undefined : answer.body);
      return;
    }
    const { problem, headers } = toProblem(answer.error, req);
    let status = problem.status;
    const extra: Record<string, string> = { ...answer.headers, ...headers };
    // nginx turns any auth status but 2xx/401/403 into a 500: the shipped config maps this 403 back to a 429.
    if (status === 429 && (req.query as Record<string, unknown> | undefined)?.mode === 'nginx') {
      status = 403;
      extra['x-auth-status'] = '429';
      extra['x-auth-reason'] = problem.code;
    }
    reply
      .status(status)
      .headers(extra)
      .header('content-type', 'application/problem+json; charset=utf-8')
      .send(req.method === 'HEAD' ? undefined : JSON.stringify(problem));
  }
}
