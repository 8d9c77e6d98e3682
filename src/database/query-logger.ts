import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM's own loggers print a failed query with its parameters to the console, outside the structured log and
 * its redaction: bcrypt hashes, API-key hashes and emails of a failed INSERT ended up on stdout. This one logs the
 * statement and the driver's message only, through Nest's logger (pino in the app, stderr in the CLI).
 */
export class QueryErrorLogger implements TypeOrmLogger {
  private readonly logger = new Logger('Database');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    const message = typeof error === 'string' ? error : error.message;
    this.logger.warn(`query failed: ${message} — ${query.replace(/\s+/g, ' ').slice(0, 300)}`);
  }

  logQuerySlow(): void {}

  logSchemaBuild(): void {}

  // As before (logging: ['error']): migration progress and TypeORM's notices stay quiet.
  logMigration(): void {}

  log(): void {}
}
