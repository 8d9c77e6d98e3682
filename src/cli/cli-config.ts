import { AppConfig, ConfigError, loadConfig, loadDotEnv } from '../config/app-config';
import { CliError, EXIT_USAGE } from './cli-error';

export interface CliGlobals {
  verbose?: boolean;
}

/** The service's configuration, from the same environment; a bad variable is a usage error (exit 2). */
export function cliConfig(): AppConfig {
  try {
    loadDotEnv();
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, EXIT_USAGE);
    throw err;
  }
}

/** "SQLite /path/x.db" or "PostgreSQL host:port/db" (never the password). */
export function describeDatabase(config: AppConfig): string {
  if (config.database.type === 'better-sqlite3') return `SQLite ${config.database.database}`;
  try {
    const u = new URL(config.database.url);
    return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
