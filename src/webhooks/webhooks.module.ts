import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MultiFernet } from '../service-keys/fernet';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookOutbox } from './webhook-outbox';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Outbound webhooks: the admin API, the outbox writer on the UnitOfWork, and the delivery worker. */
@Module({
  controllers: [WebhooksController],
  providers: [
    WebhooksService,
    WebhookOutbox,
    WebhookDispatcher,
    WebhookDeliveriesRepository,
    // Endpoint secrets are encrypted like service keys: the first ENCRYPTION_KEY encrypts, all decrypt.
    {
      provide: MultiFernet,
      useFactory: (config: AppConfig) => MultiFernet.fromKeys(config.encryptionKeys),
      inject: [APP_CONFIG],
    },
  ],
  exports: [WebhookDispatcher],
})
export class WebhooksModule {}
