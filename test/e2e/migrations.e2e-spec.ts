import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { createTestApp, TestApp } from '../app.factory';
import { createUser } from '../factories/user.factory';
import { parseDatabaseUrl } from '../../src/config/app-config';

describe('migrations: one set for both drivers', () => {
  let t: TestApp;
  beforeAll(async () => {
    // MIGRATIONS_RUN=true is the default: the app migrated its fresh database at start-up.
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('after migration:run the schema equals the entities (the generator finds nothing to change)', async () => {
    const sql = await t.dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('migration:show has nothing pending, and revert then run again works without losing the schema', async () => {
    const ds = new DataSource(dataSourceOptions(parseDatabaseUrl(t.databaseUrl)));
    await ds.initialize();
    try {
      expect(await ds.showMigrations()).toBe(false);
      await createUser(t); // a row the revert will drop with its table
      const applied: { name: string }[] = await ds.query('SELECT name FROM migrations');
      for (let i = 0; i < applied.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      const tables = ds.options.type === 'postgres'
        ? await ds.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema='public' AND table_name <> 'migrations'`)
        : await ds.query(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('migrations','sqlite_sequence')`);
      expect(tables).toEqual([]);
      if (ds.options.type === 'postgres') expect(await ds.query(`SELECT typname FROM pg_type WHERE typname IN ('user_role','job_status','job_task')`)).toEqual([]);
      await ds.runMigrations({ transaction: 'each' });
      expect((await ds.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});
