import { Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MultiFernet } from './fernet';
import { ServiceKeysController } from './service-keys.controller';
import { ServiceKeysService } from './service-keys.service';

@Module({
  controllers: [ServiceKeysController],
  providers: [
    ServiceKeysService,
    // ENCRYPTION_KEY order: the first key encrypts, all decrypt.
    {
      provide: MultiFernet,
      useFactory: (config: AppConfig, clock: Clock) => MultiFernet.fromKeys(config.encryptionKeys, clock),
      inject: [APP_CONFIG, Clock],
    },
  ],
  exports: [ServiceKeysService],
})
export class ServiceKeysModule {}
