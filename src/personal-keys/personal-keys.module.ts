import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { KeyAccessGuard } from './key-access.guard';
import { KeyRegistry } from './key-registry.service';
import { KeyUsage } from './key-usage.service';
import { AdminPersonalKeysController, PersonalKeysController } from './personal-keys.controller';
import { PersonalKeysRepository } from './personal-keys.repository';
import { PersonalKeysService } from './personal-keys.service';

/** Personal API keys (`tk_…`): several per user, scoped, expiring, rolled; their strategy and per-request check. */
@Module({
  imports: [UsersModule, SessionsModule],
  controllers: [PersonalKeysController, AdminPersonalKeysController],
  providers: [PersonalKeysRepository, PersonalKeysService, KeyRegistry, KeyUsage, KeyAccessGuard],
  exports: [KeyAccessGuard, KeyRegistry, PersonalKeysService, PersonalKeysRepository],
})
export class PersonalKeysModule {}
