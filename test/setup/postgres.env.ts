// Runs before each e2e test file's modules load: entities pick their column types from DATABASE_URL.
process.env.TEST_DB = 'postgres';
process.env.DATABASE_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
