import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig, loadDotEnv } from './config/app-config';

async function main(): Promise<void> {
  let config;
  try {
    loadDotEnv();
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Voicegate cannot start.\n${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = await createApp(config);
  const logger = new Logger('Bootstrap');
  if (config.generatedSecretsFile)
    logger.warn(
      `SECRET_KEY/ENCRYPTION_KEY not set: using development secrets kept in ${config.generatedSecretsFile}. Set them for production.`,
    );
  await app.listen(config.port, config.host);
  logger.log(
    `Voicegate listening on http://${config.host}:${config.port} (${config.database.type === 'postgres' ? 'PostgreSQL' : 'SQLite ' + config.database.database})`,
  );
}

void main().catch((err) => {
  process.stderr.write(`Voicegate failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
