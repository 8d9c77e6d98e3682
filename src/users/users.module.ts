import { Module } from '@nestjs/common';
import { PasswordHasher } from './password/password-hasher.service';
import { UsageBuffer } from './usage-buffer.service';
import { UsersService } from './users.service';

@Module({ providers: [UsersService, PasswordHasher, UsageBuffer], exports: [UsersService, PasswordHasher, UsageBuffer] })
export class UsersModule {}
