// Runs before each e2e test file's modules load: entities pick their column types from DATABASE_URL.
process.env.TEST_DB = 'sqlite';
process.env.DATABASE_URL = 'sqlite::memory:';
