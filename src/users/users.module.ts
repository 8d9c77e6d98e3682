import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { PasswordHasher } from './password/password-hasher.service';
import { UsageBuffer } from './usage-buffer.service';
import { UsersService } from './users.service';

@Module({
  imports: [SessionsModule],
  providers: [UsersService, PasswordHasher, UsageBuffer, AdminBootstrapService],
  exports: [UsersService, PasswordHasher, UsageBuffer, AdminBootstrapService],
})
export class UsersModule {}
