import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';
import { RequestGaps } from './request-gaps';

/** Process-wide singletons every module may use: the clock, the count of requests under way. */
@Global()
@Module({ providers: [Clock, RequestGaps], exports: [Clock, RequestGaps] })
export class CommonModule {}
