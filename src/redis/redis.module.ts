import { Global, Module } from '@nestjs/common';
import { RedisService } from './redis.service';

/** The optional Redis connection (pub/sub, rate-limit counters, single-use marks), one per process. */
@Global()
@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
