import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Monthly quotas (the admin's overrides) and the current month's usage counters on the user row, so the gate reads
 * both from the cached user. SQLite adds the columns in place (ALTER TABLE … ADD COLUMN gives the schema TypeORM's
 * rebuild would).
 */
export class GateQuotas1796400000000 implements MigrationInterface {
  name = 'GateQuotas1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const add = postgres ? 'ADD' : 'ADD COLUMN';
    const columns = postgres
      ? [
          `"quota_overrides" jsonb`,
          `"usage_month" character varying(7)`,
          `"usage_month_requests" integer NOT NULL DEFAULT '0'`,
          `"usage_month_transcriptions" integer NOT NULL DEFAULT '0'`,
          `"usage_month_translations" integer NOT NULL DEFAULT '0'`,
          `"usage_month_tts" integer NOT NULL DEFAULT '0'`,
          `"usage_month_audio_seconds" double precision NOT NULL DEFAULT '0'`,
        ]
      : [
          `"quota_overrides" jsonb`,
          `"usage_month" varchar(7)`,
          `"usage_month_requests" integer NOT NULL DEFAULT (0)`,
          `"usage_month_transcriptions" integer NOT NULL DEFAULT (0)`,
          `"usage_month_translations" integer NOT NULL DEFAULT (0)`,
          `"usage_month_tts" integer NOT NULL DEFAULT (0)`,
          `"usage_month_audio_seconds" double precision NOT NULL DEFAULT (0)`,
        ];
    for (const column of columns) await queryRunner.query(`ALTER TABLE "users" ${add} ${column}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of [
      'usage_month_audio_seconds',
      'usage_month_tts',
      'usage_month_translations',
      'usage_month_transcriptions',
      'usage_month_requests',
      'usage_month',
      'quota_overrides',
    ])
      await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "${column}"`);
  }
}
