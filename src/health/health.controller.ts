import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../common/decorators';
import { SkipRateLimit } from '../rate-limit/rate-limit.decorators';
import { RedisService } from '../redis/redis.service';
import { VERSION } from '../version';
import { dialectOf } from '../database/dialect';
import { HealthResponseDto } from './dto/health-response.dto';

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisService,
  ) {}

  @Get()
  @Public()
  @SkipRateLimit()
  @ApiOperation({ summary: 'Liveness and dependencies: 200 healthy, 503 when the database or Redis is down' })
  @ApiOkResponse({ type: HealthResponseDto, description: 'The database is up, and Redis too where configured' })
  @ApiServiceUnavailableResponse({ type: HealthResponseDto, description: 'The database or Redis is unavailable' })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthResponseDto> {
    // Both at once: answered within 2 s even when both are down (Docker's healthcheck gives up after 3 s).
    const [database, redis] = await Promise.all([
      withTimeout(this.dataSource.query('SELECT 1'), 2000).then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
      !this.redis.enabled
        ? ('disabled' as const)
        : // "ok" once this instance trusts Redis again: it answers, the subscription is back, nothing waits to be sent.
          withTimeout(this.redis.ping(), 1000).then(
            (ok) => (ok && this.redis.healthy ? ('ok' as const) : ('unavailable' as const)),
            () => 'unavailable' as const,
          ),
    ]);
    const healthy = database === 'ok' && redis !== 'unavailable';
    reply.status(healthy ? 200 : 503).header('cache-control', 'no-store');
    return {
      status: healthy ? 'healthy' : 'unhealthy',
      version: VERSION,
      database,
      redis,
      driver: dialectOf(this.dataSource).name,
    };
  }
}
