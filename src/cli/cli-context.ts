import { DynamicModule, Global, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { MAIL_WORKER_DISABLED } from '../mail/mail-outbox.worker';
import { ADMIN_BOOTSTRAP_DISABLED } from '../users/admin-bootstrap.service';
import { CliGlobals } from './cli-config';
import { probeDatabase, runPendingMigrations } from './cli-database';
import { StderrLogger } from './stderr-logger';

/** The CLI creates admins itself (init-db, create-admin): the start-up admin check stays out of its way; mail it
 * queues is sent by the service, not by the short-lived CLI process. */
@Global()
@Module({
  providers: [
    { provide: ADMIN_BOOTSTRAP_DISABLED, useValue: true },
    { provide: MAIL_WORKER_DISABLED, useValue: true },
  ],
  exports: [ADMIN_BOOTSTRAP_DISABLED, MAIL_WORKER_DISABLED],
})
class CliOverridesModule {}

@Module({})
class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [CliOverridesModule, AppModule.forRoot(config)] };
  }
}

/**
 * Runs `fn` inside the service's Nest application context (every module, no HTTP server), then closes it so
 * nothing keeps the process alive (bcrypt worker pool, Redis, database pool). Pending migrations are applied
 * first unless MIGRATIONS_RUN=false, or always with `migrate: true`; each one applied is reported on stderr.
 */
export async function withAppContext<T>(
  config: AppConfig,
  globals: CliGlobals,
  fn: (ctx: INestApplicationContext) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  await probeDatabase(config);
  const ctx = await NestFactory.createApplicationContext(CliModule.forRoot({ ...config, migrationsRun: false }), {
    logger: new StderrLogger(!!globals.verbose),
    abortOnError: false,
  });
  try {
    if (opts.migrate || config.migrationsRun) await runPendingMigrations(ctx.get(DataSource));
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}
