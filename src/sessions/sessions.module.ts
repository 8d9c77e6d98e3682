import { Module } from '@nestjs/common';
import { AuthStateService } from './auth-state.service';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  controllers: [SessionsController],
  providers: [SessionsService, AuthStateService],
  exports: [SessionsService, AuthStateService],
})
export class SessionsModule {}
