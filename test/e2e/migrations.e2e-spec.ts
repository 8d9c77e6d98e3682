import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { JobStats } from '../../src/jobs/entities/job-stats.entity';
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

  it('the JobStats migration fills job_stats with the totals the app keeps for the existing jobs', async () => {
    let now = Date.now();
    jest.spyOn(t.clock, 'now').mockImplementation(() => now);
    const u = await createUser(t);
    const steps: [Record<string, unknown>, Record<string, unknown>[]][] = [
      [{ task: 'transcribe', detected_language: 'en' }, [{ status: 'processing' }, { status: 'completed' }]],
      [{ task: 'transcribe', detected_language: 'en' }, [{ status: 'failed', detected_language: null }]],
      [{ task: 'tts' }, [{ status: 'completed', detected_language: 'de' }]],
      [{ task: 'translate', detected_language: 'fr' }, [{ status: 'processing' }]],
      [{ task: 'translate' }, []],
    ];
    for (const [create, patches] of steps) {
      const job = (
        await t.http
          .post('/jobs/')
          .set(u.auth)
          .send({ filename: 'a.wav', ...create })
          .expect(201)
      ).body;
      for (const body of patches) {
        now += 1234;
        await t.http.patch(`/jobs/${job.job_id}`).set(u.auth).send(body).expect(200);
      }
    }
    const gone = (await t.http.post('/jobs/').set(u.auth).send({ filename: 'gone.wav' }).expect(201)).body;
    await t.http.delete(`/jobs/${gone.job_id}`).set(u.auth).expect(204);
    const rows = async (ds: DataSource) =>
      (
        await ds
          .getRepository(JobStats)
          .find({ where: { userId: u.id }, order: { status: 'ASC', task: 'ASC', language: 'ASC' } })
      ).filter((r) => r.jobs !== 0);
    const kept = await rows(t.dataSource);
    expect(kept.map((r) => r.jobs).reduce((a, b) => a + b, 0)).toBe(5);

    const ds = new DataSource(dataSourceOptions(parseDatabaseUrl(t.databaseUrl)));
    await ds.initialize();
    try {
      // Undo down to JobStats (later migrations are undone first and run again below).
      const jobStats = () => ds.query(`SELECT name FROM migrations WHERE name = 'JobStats1795399003641'`);
      while ((await jobStats()).length) await ds.undoLastMigration({ transaction: 'each' });
      expect(await jobStats()).toEqual([]);
      await ds.runMigrations({ transaction: 'each' });
      const backfilled = await rows(ds);
      expect(backfilled.map(({ durationSum, ...r }) => r)).toEqual(kept.map(({ durationSum, ...r }) => r));
      // SQLite's julianday arithmetic is exact to about 0.1 ms.
      backfilled.forEach((r, i) => expect(r.durationSum).toBeCloseTo(kept[i].durationSum, 3));
    } finally {
      await ds.destroy();
    }
  });

  it('migration:show has nothing pending, and revert then run again works without losing the schema', async () => {
    const ds = new DataSource(dataSourceOptions(parseDatabaseUrl(t.databaseUrl)));
    await ds.initialize();
    try {
      expect(await ds.showMigrations()).toBe(false);
      await createUser(t); // a row the revert will drop with its table
      const applied: { name: string }[] = await ds.query('SELECT name FROM migrations');
      for (let i = 0; i < applied.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      const tables =
        ds.options.type === 'postgres'
          ? await ds.query(
              `SELECT table_name AS name FROM information_schema.tables WHERE table_schema='public' AND table_name <> 'migrations'`,
            )
          : await ds.query(
              `SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ('migrations','sqlite_sequence')`,
            );
      expect(tables).toEqual([]);
      if (ds.options.type === 'postgres')
        expect(
          await ds.query(`SELECT typname FROM pg_type WHERE typname IN ('user_role','job_status','job_task')`),
        ).toEqual([]);
      await ds.runMigrations({ transaction: 'each' });
      expect((await ds.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});
