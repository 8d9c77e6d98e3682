import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../common/decorators';
import { SkipRateLimit } from '../rate-limit/rate-limit.decorators';
import { RedisService } from '../redis/redis.service';
import { VERSION } from '../version';
import { dialectOf } from '../database/dialect';

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
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    // Both at once: answered within 2 s even when both are down (Docker's healthcheck gives up after 3 s).
    const [database, redis] = await Promise.all([
      withTimeout(this.dataSource.query('SELECT 1'), 2000).then(
        () => 'ok',
        () => 'unavailable',
      ),
      !this.redis.enabled
        ? 'disabled'
        : withTimeout(this.redis.ping(), 1000).then(
            (ok) => (ok ? 'ok' : 'unavailable'),
            () => 'unavailable',
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
