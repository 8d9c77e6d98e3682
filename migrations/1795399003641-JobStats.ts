import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * job_stats: each user's running job totals per (status, task, detected language), so the stats and the list's
 * total no longer aggregate all of a user's jobs (issue #14). The DDL is TypeORM's generated SQL per driver
 * (SQLite adds the foreign key by rebuilding the table); then the totals of the existing jobs are filled in, with
 * the durations computed as the stats query computed them until now.
 */
export class JobStats1795399003641 implements MigrationInterface {
  name = 'JobStats1795399003641';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    if (postgres) {
      await queryRunner.query(
        `CREATE TABLE "job_stats" ("user_id" uuid NOT NULL, "status" "public"."job_status" NOT NULL, "task" "public"."job_task" NOT NULL, "language" character varying(16) NOT NULL, "jobs" integer NOT NULL, "duration_sum" double precision NOT NULL, "durations" integer NOT NULL, CONSTRAINT "pk_job_stats" PRIMARY KEY ("user_id", "status", "task", "language"))`,
      );
      await queryRunner.query(
        `ALTER TABLE "job_stats" ADD CONSTRAINT "fk_job_stats_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
    } else {
      await queryRunner.query(
        `CREATE TABLE "job_stats" ("user_id" varchar NOT NULL, "status" varchar CHECK( "status" IN ('pending','processing','completed','failed') ) NOT NULL, "task" varchar CHECK( "task" IN ('transcribe','translate','tts') ) NOT NULL, "language" varchar(16) NOT NULL, "jobs" integer NOT NULL, "duration_sum" double precision NOT NULL, "durations" integer NOT NULL, PRIMARY KEY ("user_id", "status", "task", "language"))`,
      );
      await queryRunner.query(
        `CREATE TABLE "temporary_job_stats" ("user_id" varchar NOT NULL, "status" varchar CHECK( "status" IN ('pending','processing','completed','failed') ) NOT NULL, "task" varchar CHECK( "task" IN ('transcribe','translate','tts') ) NOT NULL, "language" varchar(16) NOT NULL, "jobs" integer NOT NULL, "duration_sum" double precision NOT NULL, "durations" integer NOT NULL, CONSTRAINT "fk_job_stats_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, PRIMARY KEY ("user_id", "status", "task", "language"))`,
      );
      await queryRunner.query(
        `INSERT INTO "temporary_job_stats"("user_id", "status", "task", "language", "jobs", "duration_sum", "durations") SELECT "user_id", "status", "task", "language", "jobs", "duration_sum", "durations" FROM "job_stats"`,
      );
      await queryRunner.query(`DROP TABLE "job_stats"`);
      await queryRunner.query(`ALTER TABLE "temporary_job_stats" RENAME TO "job_stats"`);
    }
    // Backfill (bench/run.mjs seedJobs runs the same statement).
    const seconds = postgres
      ? 'EXTRACT(EPOCH FROM ("completed_at" - "created_at"))'
      : '(julianday("completed_at") - julianday("created_at")) * 86400.0';
    await queryRunner.query(
      `INSERT INTO "job_stats" ("user_id", "status", "task", "language", "jobs", "duration_sum", "durations")
       SELECT "user_id", "status", "task", COALESCE("detected_language", ''), COUNT(*), COALESCE(SUM(${seconds}), 0), COUNT("completed_at")
         FROM "transcription_jobs"
        GROUP BY "user_id", "status", "task", COALESCE("detected_language", '')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') {
      await queryRunner.query(`ALTER TABLE "job_stats" DROP CONSTRAINT "fk_job_stats_user_id"`);
      await queryRunner.query(`DROP TABLE "job_stats"`);
    } else {
      await queryRunner.query(`ALTER TABLE "job_stats" RENAME TO "temporary_job_stats"`);
      await queryRunner.query(
        `CREATE TABLE "job_stats" ("user_id" varchar NOT NULL, "status" varchar CHECK( "status" IN ('pending','processing','completed','failed') ) NOT NULL, "task" varchar CHECK( "task" IN ('transcribe','translate','tts') ) NOT NULL, "language" varchar(16) NOT NULL, "jobs" integer NOT NULL, "duration_sum" double precision NOT NULL, "durations" integer NOT NULL, PRIMARY KEY ("user_id", "status", "task", "language"))`,
      );
      await queryRunner.query(
        `INSERT INTO "job_stats"("user_id", "status", "task", "language", "jobs", "duration_sum", "durations") SELECT "user_id", "status", "task", "language", "jobs", "duration_sum", "durations" FROM "temporary_job_stats"`,
      );
      await queryRunner.query(`DROP TABLE "temporary_job_stats"`);
      await queryRunner.query(`DROP TABLE "job_stats"`);
    }
  }
}
