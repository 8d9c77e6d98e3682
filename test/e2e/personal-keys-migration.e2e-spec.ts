import bcrypt from 'bcryptjs';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { InitialSchema1795387000000 } from '../../migrations/1795387000000-InitialSchema';
import { TranscriptionJobsLargeColumnsLast1795390718849 } from '../../migrations/1795390718849-TranscriptionJobsLargeColumnsLast';
import { JobStats1795399003641 } from '../../migrations/1795399003641-JobStats';
import { parseDatabaseUrl } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { generateApiKey } from '../../src/personal-keys/personal-key.util';
import { createTestApp, currentDriver } from '../app.factory';
import { recordSecret } from '../security/secrets';
import { createPgDatabase } from '../support/infrastructure';

/** Part one's schema with a user holding a personal key, then the app (which runs the remaining migrations). */
describe('migration PersonalKeys: a key issued before it still authenticates after it', () => {
  it('moves each user’s key hash into user_api_keys as `default`, with every scope', async () => {
    let url: string;
    let drop: () => Promise<void>;
    if (currentDriver() === 'postgres') ({ url, drop } = await createPgDatabase('vg_keys_mig'));
    else {
      const file = join(tmpdir(), `voicegate-keys-mig-${process.pid}-${randomBytes(4).toString('hex')}.db`);
      url = `sqlite:${file}`;
      drop = async () => ['', '-wal', '-shm'].forEach((s) => rmSync(file + s, { force: true }));
    }
    try {
      const old = new DataSource({
        ...dataSourceOptions(parseDatabaseUrl(url)),
        migrations: [InitialSchema1795387000000, TranscriptionJobsLargeColumnsLast1795390718849, JobStats1795399003641],
      });
      await old.initialize();
      await old.runMigrations({ transaction: 'each' });
      const key = generateApiKey();
      recordSecret(key.key);
      const id = randomUUID();
      const noKeyId = randomUUID();
      const hashed = await bcrypt.hash('Old-Password-1!', 4);
      const insert = `INSERT INTO users (id, email, username, username_canonical, hashed_password, api_key_hash,
                        api_key_prefix, api_key_created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
      const sql = old.options.type === 'postgres' ? insert : insert.replace(/\$\d/g, '?');
      const createdAt = old.options.type === 'postgres' ? new Date('2026-01-02T03:04:05Z') : '2026-01-02 03:04:05.000';
      await old.query(sql, [id, 'old@example.com', 'olduser', 'olduser', hashed, key.hash, key.prefix, createdAt]);
      await old.query(sql, [noKeyId, 'nokey@example.com', 'nokey', 'nokey', hashed, null, null, null]);
      await old.destroy();

      const t = await createTestApp({ databaseUrl: url });
      try {
        const me = await t.http.get('/auth/me').set('X-API-Key', key.key).expect(200);
        expect(me.body).toMatchObject({ id, api_key_prefix: key.prefix });
        const keys = (await t.http.get('/auth/api-keys').set('X-API-Key', key.key).expect(200)).body;
        expect(keys).toEqual([
          expect.objectContaining({ name: 'default', prefix: key.prefix, all_scopes: true, expires_at: null }),
        ]);
        expect(keys[0].created_at).toBe('2026-01-02T03:04:05.000Z');
        expect(
          await t.dataSource.query(`SELECT COUNT(*) AS n FROM user_api_keys WHERE user_id = '${noKeyId}'`),
        ).toEqual([{ n: t.driver === 'postgres' ? '0' : 0 }]);
        const columns =
          t.driver === 'postgres'
            ? await t.dataSource.query(
                `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'users'`,
              )
            : await t.dataSource.query(`SELECT name FROM pragma_table_info('users')`);
        expect(columns.map((c: { name: string }) => c.name)).not.toContain('api_key_hash');
        expect((await t.dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
      } finally {
        await t.close();
      }
    } finally {
      await drop();
    }
  });
});
