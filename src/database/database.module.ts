import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { dataSourceOptions } from './data-source-options';
import { runMigrationsExclusively } from './migrate';
import { SqliteCheckpointer } from './sqlite-checkpointer';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config.database, { migrationsRun: false }),
        // Start-up waits for the database a little (compose starts them together), then fails clearly.
        retryAttempts: config.env === 'test' ? 0 : 10,
        retryDelay: 2000,
        migrationsRun: config.migrationsRun,
      }),
      dataSourceFactory: async (options) => {
        // Migrations run here, under a lock, rather than by TypeORM's migrationsRun (which takes none).
        const ds = await new DataSource({ ...options!, migrationsRun: false } as DataSourceOptions).initialize();
        if (options!.migrationsRun) await runMigrationsExclusively(ds);
        return ds;
      },
    }),
  ],
  providers: [SqliteCheckpointer],
})
export class DatabaseModule {}
