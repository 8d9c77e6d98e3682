import { Worker } from 'node:worker_threads';
import { DataSource } from 'typeorm';
import { sqliteDatabase } from '../../src/database/atomic-writes';
import { SqliteCheckpointer } from '../../src/database/sqlite-checkpointer';
import { createTestApp, currentDriver, TestApp } from '../app.factory';
import { createUser } from '../factories/user.factory';

const until = async (what: string, ok: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** The service connection's own checkpoint threshold in pages (0: it never checkpoints in a commit). */
const autocheckpoint = (t: TestApp) =>
  (sqliteDatabase(t.get(DataSource)).prepare('PRAGMA wal_autocheckpoint').all() as { wal_autocheckpoint: number }[])[0]
    .wal_autocheckpoint;

// SQLite only: Postgres checkpoints in its own background process.
(currentDriver() === 'sqlite' ? describe : describe.skip)('SQLite checkpoints run beside the requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("the service's connection never checkpoints in a commit; the worker copies the WAL back", async () => {
    expect(autocheckpoint(t)).toBe(0);
    for (let i = 0; i < 20; i++) await createUser(t);
    const checkpointer = t.get(SqliteCheckpointer);
    // A checkpoint that found the registrations' frames in the WAL and copied every one into the file.
    await until('a checkpoint of the new frames', () => {
      const last = checkpointer.last;
      return !!last && last.log > 0 && last.checkpointed === last.log;
    });
  });

  it('a failed worker puts the checkpoints back on the connection, so the WAL never grows without end', async () => {
    const other = await createTestApp({ databaseUrl: t.databaseUrl });
    try {
      expect(autocheckpoint(other)).toBe(0);
      const worker = (other.get(SqliteCheckpointer) as unknown as { worker: Worker }).worker;
      await worker.terminate();
      await until('the fallback', () => autocheckpoint(other) === 1000);
    } finally {
      await other.close();
    }
  });
});
