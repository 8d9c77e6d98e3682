import { Global, Module } from '@nestjs/common';
import { RedisService } from '../redis/redis.service';
import { Clock } from './clock';

/** Process-wide singletons: the clock and the optional Redis connection. */
@Global()
@Module({ providers: [Clock, RedisService], exports: [Clock, RedisService] })
export class CommonModule {}
