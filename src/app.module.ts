import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuditModule } from './audit/audit.module';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { RedisModule } from './redis/redis.module';
import { ProblemDetailsFilter } from './common/problem-details';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { UnitOfWorkModule } from './database/unit-of-work';
import { GateModule } from './gate/gate.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MailModule } from './mail/mail.module';
import { MfaModule } from './mfa/mfa.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { ServiceKeysModule } from './service-keys/service-keys.module';
import { OAuthModule } from './oauth/oauth.module';
import { StreamTokensModule } from './stream-tokens/stream-tokens.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule,
        RedisModule,
        EventEmitterModule.forRoot({ wildcard: false, ignoreErrors: true }),
        DatabaseModule,
        UnitOfWorkModule,
        HealthModule,
        AuthModule,
        AuditModule,
        RateLimitModule,
        ServiceKeysModule,
        AdminModule,
        JobsModule,
        StreamTokensModule,
        OAuthModule,
        GateModule,
        MailModule,
        WebhooksModule,
        MfaModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
