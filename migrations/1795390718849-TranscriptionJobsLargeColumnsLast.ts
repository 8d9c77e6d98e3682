import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SQLite only: `transcript` and `error` move to the end of transcription_jobs. SQLite stores a row as one
 * record and must walk a large value's overflow pages to reach any column after it, so with transcripts in
 * the middle every job list and every stats query read the whole transcripts (measured: 300 rows with 1 MB
 * transcripts, reading created_at took 352 ms against 2 ms for a column before them). The schema is
 * unchanged, so `migration:generate` has nothing to say about it; the statements are TypeORM's own table
 * rebuild for SQLite. Postgres keeps large values out of line (TOAST) already: nothing to do there.
 */
export class TranscriptionJobsLargeColumnsLast1795390718849 implements MigrationInterface {
  name = 'TranscriptionJobsLargeColumnsLast1795390718849';

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') return;
    await queryRunner.query(`DROP INDEX "ix_transcription_jobs_user_id_status"`);
    await queryRunner.query(`DROP INDEX "ix_transcription_jobs_user_id_created_at"`);
    await queryRunner.query(`DROP INDEX "uq_transcription_jobs_user_id_job_id"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_transcription_jobs" ("id" varchar PRIMARY KEY NOT NULL, "job_id" varchar NOT NULL, "user_id" varchar NOT NULL, "filename" varchar(255) NOT NULL, "status" varchar CHECK( "status" IN ('pending','processing','completed','failed') ) NOT NULL DEFAULT ('pending'), "task" varchar CHECK( "task" IN ('transcribe','translate','tts') ) NOT NULL DEFAULT ('transcribe'), "detected_language" varchar(16), "translated_to" varchar(16), "with_diarization" boolean NOT NULL DEFAULT (0), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), "started_at" datetime, "completed_at" datetime, "transcript" text, "error" text, CONSTRAINT "fk_transcription_jobs_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_transcription_jobs"("id", "job_id", "user_id", "filename", "status", "task", "detected_language", "translated_to", "with_diarization", "created_at", "updated_at", "started_at", "completed_at", "transcript", "error") SELECT "id", "job_id", "user_id", "filename", "status", "task", "detected_language", "translated_to", "with_diarization", "created_at", "updated_at", "started_at", "completed_at", "transcript", "error" FROM "transcription_jobs"`,
    );
    await queryRunner.query(`DROP TABLE "transcription_jobs"`);
    await queryRunner.query(`ALTER TABLE "temporary_transcription_jobs" RENAME TO "transcription_jobs"`);
    await queryRunner.query(
      `CREATE INDEX "ix_transcription_jobs_user_id_status" ON "transcription_jobs" ("user_id", "status") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_transcription_jobs_user_id_created_at" ON "transcription_jobs" ("user_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_transcription_jobs_user_id_job_id" ON "transcription_jobs" ("user_id", "job_id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') return;
    await queryRunner.query(`DROP INDEX "uq_transcription_jobs_user_id_job_id"`);
    await queryRunner.query(`DROP INDEX "ix_transcription_jobs_user_id_created_at"`);
    await queryRunner.query(`DROP INDEX "ix_transcription_jobs_user_id_status"`);
    await queryRunner.query(`ALTER TABLE "transcription_jobs" RENAME TO "temporary_transcription_jobs"`);
    await queryRunner.query(
      `CREATE TABLE "transcription_jobs" ("id" varchar PRIMARY KEY NOT NULL, "job_id" varchar NOT NULL, "user_id" varchar NOT NULL, "filename" varchar(255) NOT NULL, "status" varchar CHECK( "status" IN ('pending','processing','completed','failed') ) NOT NULL DEFAULT ('pending'), "task" varchar CHECK( "task" IN ('transcribe','translate','tts') ) NOT NULL DEFAULT ('transcribe'), "transcript" text, "error" text, "detected_language" varchar(16), "translated_to" varchar(16), "with_diarization" boolean NOT NULL DEFAULT (0), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), "started_at" datetime, "completed_at" datetime, CONSTRAINT "fk_transcription_jobs_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `INSERT INTO "transcription_jobs"("id", "job_id", "user_id", "filename", "status", "task", "transcript", "error", "detected_language", "translated_to", "with_diarization", "created_at", "updated_at", "started_at", "completed_at") SELECT "id", "job_id", "user_id", "filename", "status", "task", "transcript", "error", "detected_language", "translated_to", "with_diarization", "created_at", "updated_at", "started_at", "completed_at" FROM "temporary_transcription_jobs"`,
    );
    await queryRunner.query(`DROP TABLE "temporary_transcription_jobs"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_transcription_jobs_user_id_job_id" ON "transcription_jobs" ("user_id", "job_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_transcription_jobs_user_id_created_at" ON "transcription_jobs" ("user_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_transcription_jobs_user_id_status" ON "transcription_jobs" ("user_id", "status") `,
    );
  }
}
