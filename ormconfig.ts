// The DataSource the TypeORM CLI uses (npm run migration:*). It reads the same environment as the app.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig, loadDotEnv } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source-options';

loadDotEnv();
export default new DataSource(dataSourceOptions(loadConfig(process.env).database));
