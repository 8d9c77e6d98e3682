import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { Clock } from '../common/clock';
import { RedisService } from '../redis/redis.service';
import { MemoryRateLimitStorage } from './memory-rate-limit.storage';
import { RateLimitGuard } from './rate-limit.guard';
import { RedisRateLimitStorage } from './redis-rate-limit.storage';

/**
 * Per-identity rate limits. RateLimitGuard runs as the last step of AuthModule's RequestGuard, after
 * authentication and roles (it needs the principal). Global, so AuthenticationGuard can count the requests whose
 * authentication fails (RateLimitGuard.countFailedAuthentication).
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [RedisService, Clock],
      useFactory: (redis: RedisService, clock: Clock) => {
        const memory = new MemoryRateLimitStorage(clock);
        return {
          throttlers: RateLimitGuard.throttlers(),
          storage: redis.client ? new RedisRateLimitStorage(redis.client, memory, clock) : memory,
        };
      },
    }),
  ],
  providers: [RateLimitGuard],
  // ThrottlerModule's storage: the gate counts forwarded requests in the same windows.
  exports: [RateLimitGuard, ThrottlerModule],
})
export class RateLimitModule {}
