import { Module } from '@nestjs/common';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { PasswordHasher } from './password/password-hasher.service';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  providers: [UsersService, UsersRepository, PasswordHasher, AdminBootstrapService],
  exports: [UsersService, UsersRepository, PasswordHasher, AdminBootstrapService],
})
export class UsersModule {}
