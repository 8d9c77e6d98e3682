import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { dataSourceOptions } from './data-source-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.database, { migrationsRun: config.migrationsRun }),
        // Start-up waits for the database a little (compose starts them together), then fails clearly.
        retryAttempts: config.env === 'test' ? 0 : 10,
        retryDelay: 2000,
      }),
    }),
  ],
})
export class DatabaseModule {}
