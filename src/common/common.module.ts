import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';

/** Process-wide singletons every module may use: the clock. */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class CommonModule {}
