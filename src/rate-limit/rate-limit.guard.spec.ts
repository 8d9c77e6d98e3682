import { CanActivate, Controller, ExecutionContext, Get, Injectable, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Clock } from '../common/clock';
import { CommonModule } from '../common/common.module';
import { RedisModule } from '../redis/redis.module';
import { AuthedRequest } from '../common/decorators';
import { ProblemDetailsFilter } from '../common/problem-details';
import { loadConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { Role } from '../users/users.enums';
import { RateLimit, SkipRateLimit } from './rate-limit.decorators';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitModule } from './rate-limit.module';

/** Stands in for AuthenticationGuard: `x-user: <id>[:admin]` makes the request authenticated. */
@Injectable()
class FakeAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const h = req.headers['x-user'];
    if (typeof h === 'string') {
      const [id, role] = h.split(':');
      req.principal = {
        user: {
          id,
          email: `${id}@x.test`,
          username: id,
          role: role === 'admin' ? Role.Admin : Role.User,
          isActive: true,
          isSuspended: false,
          rateLimits: { perMinute: null, perHour: null, perDay: null },
        },
        via: 'jwt',
      };
    }
    return true;
  }
}

// The fake authentication first, then the rate limit (AuthModule's RequestGuard chains the real ones).
@Module({
  providers: [
    { provide: APP_GUARD, useClass: FakeAuthGuard },
    { provide: APP_GUARD, useExisting: RateLimitGuard },
  ],
})
class FakeAuthModule {}

@Controller('t')
class TestController {
  @Get('plain')
  plain() {
    return { ok: true };
  }

  @Get('expensive')
  @RateLimit({ perMinute: 2 })
  expensive() {
    return { ok: true };
  }

  @Get('free')
  @SkipRateLimit()
  free() {
    return { ok: true };
  }
}

@SkipRateLimit()
@Controller('skipped')
class SkippedController {
  @Get()
  get() {
    return { ok: true };
  }
}

describe('RateLimitGuard (through @nestjs/throttler, in a minimal app)', () => {
  let app: NestFastifyApplication;
  let clock: Clock;
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      SECRET_KEY: 'unit-test-secret-unit-test-secret-0123456789',
      RATE_LIMIT_USER_PER_MINUTE: '4',
      RATE_LIMIT_ANON_PER_MINUTE: '3',
    },
    { persistDevSecrets: false },
  );
  const get = (url: string, user?: string) =>
    app.inject({ method: 'GET', url, headers: user ? { 'x-user': user } : {} });

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        CommonModule,
        RedisModule,
        EventEmitterModule.forRoot(),
        FakeAuthModule,
        RateLimitModule,
      ],
      controllers: [TestController, SkippedController],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    clock = app.get(Clock);
  });
  afterAll(() => app.close());

  it('an endpoint override replaces the minute window on that route, in its own bucket', async () => {
    const a = await get('/t/expensive', 'alice');
    expect(a.headers['x-ratelimit-limit']).toBe('2');
    expect(a.headers['ratelimit-policy']).toBe('"minute";q=2;w=60, "hour";q=500;w=3600, "day";q=5000;w=86400');
    expect((await get('/t/expensive', 'alice')).statusCode).toBe(200);
    const blocked = await get('/t/expensive', 'alice');
    expect(blocked.statusCode).toBe(429);
    expect(JSON.parse(blocked.body)).toMatchObject({
      code: 'RATE_LIMITED',
      detail: 'Rate limit exceeded: 2 requests per minute',
    });
    // the shared minute budget was not spent by the route's own bucket…
    const plain = await get('/t/plain', 'alice');
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['x-ratelimit-remaining']).toBe('3');
    // …but the windows the override does not name (hour, day) are the shared ones
    expect(plain.headers['ratelimit-policy']).toBe('"minute";q=4;w=60, "hour";q=500;w=3600, "day";q=5000;w=86400');
    // another user has their own route bucket
    expect((await get('/t/expensive', 'bob')).statusCode).toBe(200);
  });

  it('the override is absolute for admins too', async () => {
    expect((await get('/t/expensive', 'root:admin')).headers['x-ratelimit-limit']).toBe('2');
    expect((await get('/t/plain', 'root:admin')).headers['x-ratelimit-limit']).toBe('40');
  });

  it('anonymous callers are counted per IP with the anonymous defaults', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get('/t/plain')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('@SkipRateLimit on a handler or a controller exempts it', async () => {
    for (let i = 0; i < 6; i++) {
      const free = await get('/t/free', 'carol');
      expect(free.statusCode).toBe(200);
      expect(free.headers['x-ratelimit-limit']).toBeUndefined();
      expect((await get('/skipped', 'carol')).statusCode).toBe(200);
    }
  });

  it('a 429 carries Retry-After up to the window reset, and the clock restores the budget', async () => {
    for (let i = 0; i < 4; i++) await get('/t/plain', 'dave');
    const blocked = await get('/t/plain', 'dave');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(50); // ~60, less whatever this run took
    expect(blocked.headers['ratelimit']).toBe(`"minute";r=0;t=${blocked.headers['retry-after']}`);
    clock.advance(30_000);
    expect(Number((await get('/t/plain', 'dave')).headers['retry-after'])).toBeLessThanOrEqual(30);
    clock.advance(30_001);
    expect((await get('/t/plain', 'dave')).statusCode).toBe(200);
  });
});
