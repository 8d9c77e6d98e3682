import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole first schema. One migration for both drivers: each branch is the SQL TypeORM's own
 * generator emits for that driver, so `migration:generate` finds nothing afterwards on either (a test checks it).
 * Column types and defaults legitimately differ (timestamptz/datetime, enum types/CHECKs, boolean literals).
 */
export class InitialSchema1795387000000 implements MigrationInterface {
  name = 'InitialSchema1795387000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') {
      await queryRunner.query(
        `CREATE TABLE "login_history" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid, "username_attempted" character varying(254), "login_at" TIMESTAMP WITH TIME ZONE NOT NULL, "logout_at" TIMESTAMP WITH TIME ZONE, "login_method" character varying(16) NOT NULL, "success" boolean NOT NULL, "failure_reason" character varying(64), "ip_address" character varying(45), "user_agent" character varying(512), "session_id" uuid, "jwt_jti" character varying(64), "suspicious" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_fe377f36d49c39547cb6b9f0727" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(`CREATE INDEX "ix_login_history_login_at" ON "login_history"  ("login_at") `);
      await queryRunner.query(
        `CREATE INDEX "ix_login_history_user_id_login_at" ON "login_history"  ("user_id", "login_at") `,
      );
      await queryRunner.query(
        `CREATE TABLE "security_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(64) NOT NULL, "severity" character varying(16) NOT NULL, "user_id" uuid, "actor_id" uuid, "ip_address" character varying(45), "user_agent" character varying(512), "request_id" character varying(128), "details" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6fc100d6700780737348df0d3ae" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(`CREATE INDEX "ix_security_events_created_at" ON "security_events"  ("created_at") `);
      await queryRunner.query(
        `CREATE INDEX "ix_security_events_type_created_at" ON "security_events"  ("type", "created_at") `,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_security_events_user_id_created_at" ON "security_events"  ("user_id", "created_at") `,
      );
      await queryRunner.query(`CREATE TYPE "public"."user_role" AS ENUM('admin', 'user')`);
      await queryRunner.query(
        `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254) NOT NULL, "username" character varying(32) NOT NULL, "username_canonical" character varying(32) NOT NULL, "hashed_password" character varying(255) NOT NULL, "full_name" character varying(255), "role" "public"."user_role" NOT NULL DEFAULT 'user', "is_active" boolean NOT NULL DEFAULT true, "is_verified" boolean NOT NULL DEFAULT false, "is_suspended" boolean NOT NULL DEFAULT false, "suspended_reason" character varying(500), "suspended_at" TIMESTAMP WITH TIME ZONE, "api_key_hash" character varying(64), "api_key_prefix" character varying(16), "api_key_created_at" TIMESTAMP WITH TIME ZONE, "api_key_last_used_at" TIMESTAMP WITH TIME ZONE, "failed_login_attempts" integer NOT NULL DEFAULT '0', "last_failed_login_at" TIMESTAMP WITH TIME ZONE, "locked_until" TIMESTAMP WITH TIME ZONE, "rate_limit_per_minute" integer, "rate_limit_per_hour" integer, "rate_limit_per_day" integer, "usage_total_requests" integer NOT NULL DEFAULT '0', "usage_transcriptions" integer NOT NULL DEFAULT '0', "usage_translations" integer NOT NULL DEFAULT '0', "usage_tts" integer NOT NULL DEFAULT '0', "settings" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_login_at" TIMESTAMP WITH TIME ZONE, "password_changed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_email" ON "users"  ("email") `);
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_username_canonical" ON "users"  ("username_canonical") `);
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_api_key_hash" ON "users"  ("api_key_hash") `);
      await queryRunner.query(
        `CREATE TYPE "public"."job_status" AS ENUM('pending', 'processing', 'completed', 'failed')`,
      );
      await queryRunner.query(`CREATE TYPE "public"."job_task" AS ENUM('transcribe', 'translate', 'tts')`);
      await queryRunner.query(
        `CREATE TABLE "transcription_jobs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "job_id" uuid NOT NULL, "user_id" uuid NOT NULL, "filename" character varying(255) NOT NULL, "status" "public"."job_status" NOT NULL DEFAULT 'pending', "task" "public"."job_task" NOT NULL DEFAULT 'transcribe', "transcript" text, "error" text, "detected_language" character varying(16), "translated_to" character varying(16), "with_diarization" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_9fa2f74330aeb693b0c49d7f58c" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_transcription_jobs_user_id_status" ON "transcription_jobs"  ("user_id", "status") `,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_transcription_jobs_user_id_created_at" ON "transcription_jobs"  ("user_id", "created_at") `,
      );
      await queryRunner.query(
        `CREATE UNIQUE INDEX "uq_transcription_jobs_user_id_job_id" ON "transcription_jobs"  ("user_id", "job_id") `,
      );
      await queryRunner.query(
        `CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "service" character varying(32) NOT NULL, "encrypted_key" text NOT NULL, "key_name" character varying(100), "key_preview" character varying(32), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_api_keys_user_id_created_at" ON "api_keys"  ("user_id", "created_at") `,
      );
      await queryRunner.query(
        `CREATE TABLE "revoked_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "jti" character varying(64) NOT NULL, "token_type" character varying(16) NOT NULL, "user_id" uuid, "session_id" uuid, "revoked_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "reason" character varying(64), CONSTRAINT "PK_5c2b3ed5a8f0e4972e358985038" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_revoked_tokens_jti" ON "revoked_tokens"  ("jti") `);
      await queryRunner.query(`CREATE INDEX "ix_revoked_tokens_expires_at" ON "revoked_tokens"  ("expires_at") `);
      await queryRunner.query(
        `CREATE TABLE "user_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "refresh_token_jti" character varying(64) NOT NULL, "previous_refresh_jti" character varying(64), "rotated_at" TIMESTAMP WITH TIME ZONE, "access_token_jti" character varying(64), "login_method" character varying(16) NOT NULL DEFAULT 'password', "ip_address" character varying(45), "user_agent" character varying(512), "device_name" character varying(100), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_active_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" character varying(64), CONSTRAINT "PK_e93e031a5fed190d4789b6bfd83" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_user_sessions_user_id_created_at" ON "user_sessions"  ("user_id", "created_at") `,
      );
      await queryRunner.query(
        `ALTER TABLE "transcription_jobs" ADD CONSTRAINT "fk_transcription_jobs_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
      await queryRunner.query(
        `ALTER TABLE "api_keys" ADD CONSTRAINT "fk_api_keys_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
      await queryRunner.query(
        `ALTER TABLE "user_sessions" ADD CONSTRAINT "fk_user_sessions_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
    } else {
      await queryRunner.query(
        `CREATE TABLE "login_history" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar, "username_attempted" varchar(254), "login_at" datetime NOT NULL, "logout_at" datetime, "login_method" varchar(16) NOT NULL, "success" boolean NOT NULL, "failure_reason" varchar(64), "ip_address" varchar(45), "user_agent" varchar(512), "session_id" varchar, "jwt_jti" varchar(64), "suspicious" boolean NOT NULL DEFAULT (0))`,
      );
      await queryRunner.query(`CREATE INDEX "ix_login_history_login_at" ON "login_history" ("login_at") `);
      await queryRunner.query(
        `CREATE INDEX "ix_login_history_user_id_login_at" ON "login_history" ("user_id", "login_at") `,
      );
      await queryRunner.query(
        `CREATE TABLE "security_events" ("id" varchar PRIMARY KEY NOT NULL, "type" varchar(64) NOT NULL, "severity" varchar(16) NOT NULL, "user_id" varchar, "actor_id" varchar, "ip_address" varchar(45), "user_agent" varchar(512), "request_id" varchar(128), "details" jsonb, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`,
      );
      await queryRunner.query(`CREATE INDEX "ix_security_events_created_at" ON "security_events" ("created_at") `);
      await queryRunner.query(
        `CREATE INDEX "ix_security_events_type_created_at" ON "security_events" ("type", "created_at") `,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_security_events_user_id_created_at" ON "security_events" ("user_id", "created_at") `,
      );
      await queryRunner.query(
        `CREATE TABLE "users" ("id" varchar PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "username" varchar(32) NOT NULL, "username_canonical" varchar(32) NOT NULL, "hashed_password" varchar(255) NOT NULL, "full_name" varchar(255), "role" varchar CHECK( "role" IN ('admin','user') ) NOT NULL DEFAULT ('user'), "is_active" boolean NOT NULL DEFAULT (1), "is_verified" boolean NOT NULL DEFAULT (0), "is_suspended" boolean NOT NULL DEFAULT (0), "suspended_reason" varchar(500), "suspended_at" datetime, "api_key_hash" varchar(64), "api_key_prefix" varchar(16), "api_key_created_at" datetime, "api_key_last_used_at" datetime, "failed_login_attempts" integer NOT NULL DEFAULT (0), "last_failed_login_at" datetime, "locked_until" datetime, "rate_limit_per_minute" integer, "rate_limit_per_hour" integer, "rate_limit_per_day" integer, "usage_total_requests" integer NOT NULL DEFAULT (0), "usage_transcriptions" integer NOT NULL DEFAULT (0), "usage_translations" integer NOT NULL DEFAULT (0), "usage_tts" integer NOT NULL DEFAULT (0), "settings" jsonb, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), "last_login_at" datetime, "password_changed_at" datetime)`,
      );
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_email" ON "users" ("email") `);
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_username_canonical" ON "users" ("username_canonical") `);
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_api_key_hash" ON "users" ("api_key_hash") `);
      await queryRunner.query(
        `CREATE TABLE "transcription_jobs" ("id" varchar PRIMARY KEY NOT NULL, "job_id" varchar NOT NULL, "user_id" varchar NOT NULL, "filename" varchar(255) NOT NULL, "status" varchar CHECK( "status" IN ('pending','processing','completed','failed') ) NOT NULL DEFAULT ('pending'), "task" varchar CHECK( "task" IN ('transcribe','translate','tts') ) NOT NULL DEFAULT ('transcribe'), "transcript" text, "error" text, "detected_language" varchar(16), "translated_to" varchar(16), "with_diarization" boolean NOT NULL DEFAULT (0), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), "started_at" datetime, "completed_at" datetime)`,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_transcription_jobs_user_id_status" ON "transcription_jobs" ("user_id", "status") `,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_transcription_jobs_user_id_created_at" ON "transcription_jobs" ("user_id", "created_at") `,
      );
      await queryRunner.query(
        `CREATE UNIQUE INDEX "uq_transcription_jobs_user_id_job_id" ON "transcription_jobs" ("user_id", "job_id") `,
      );
      await queryRunner.query(
        `CREATE TABLE "api_keys" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "service" varchar(32) NOT NULL, "encrypted_key" text NOT NULL, "key_name" varchar(100), "key_preview" varchar(32), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime)`,
      );
      await queryRunner.query(`CREATE INDEX "ix_api_keys_user_id_created_at" ON "api_keys" ("user_id", "created_at") `);
      await queryRunner.query(
        `CREATE TABLE "revoked_tokens" ("id" varchar PRIMARY KEY NOT NULL, "jti" varchar(64) NOT NULL, "token_type" varchar(16) NOT NULL, "user_id" varchar, "session_id" varchar, "revoked_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "reason" varchar(64))`,
      );
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_revoked_tokens_jti" ON "revoked_tokens" ("jti") `);
      await queryRunner.query(`CREATE INDEX "ix_revoked_tokens_expires_at" ON "revoked_tokens" ("expires_at") `);
      await queryRunner.query(
        `CREATE TABLE "user_sessions" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "refresh_token_jti" varchar(64) NOT NULL, "previous_refresh_jti" varchar(64), "rotated_at" datetime, "access_token_jti" varchar(64), "login_method" varchar(16) NOT NULL DEFAULT ('password'), "ip_address" varchar(45), "user_agent" varchar(512), "device_name" varchar(100), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_active_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime, "revoked_reason" varchar(64))`,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_user_sessions_user_id_created_at" ON "user_sessions" ("user_id", "created_at") `,
      );
      await queryRunner.query(`DROP INDEX "ix_transcription_jobs_user_id_status"`);
      await queryRunner.query(`DROP INDEX "ix_transcription_jobs_user_id_created_at"`);
      await queryRunner.query(`DROP INDEX "uq_transcription_jobs_user_id_job_id"`);
      await queryRunner.query(
        `CREATE TABLE "temporary_transcription_jobs" ("id" varchar PRIMARY KEY NOT NULL, "job_id" varchar NOT NULL, "user_id" varchar NOT NULL, "filename" varchar(255) NOT NULL, "status" varchar CHECK( "status" IN ('pending','processing','completed','failed') ) NOT NULL DEFAULT ('pending'), "task" varchar CHECK( "task" IN ('transcribe','translate','tts') ) NOT NULL DEFAULT ('transcribe'), "transcript" text, "error" text, "detected_language" varchar(16), "translated_to" varchar(16), "with_diarization" boolean NOT NULL DEFAULT (0), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), "started_at" datetime, "completed_at" datetime, CONSTRAINT "fk_transcription_jobs_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
      await queryRunner.query(
        `INSERT INTO "temporary_transcription_jobs"("id", "job_id", "user_id", "filename", "status", "task", "transcript", "error", "detected_language", "translated_to", "with_diarization", "created_at", "updated_at", "started_at", "completed_at") SELECT "id", "job_id", "user_id", "filename", "status", "task", "transcript", "error", "detected_language", "translated_to", "with_diarization", "created_at", "updated_at", "started_at", "completed_at" FROM "transcription_jobs"`,
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
      await queryRunner.query(`DROP INDEX "ix_api_keys_user_id_created_at"`);
      await queryRunner.query(
        `CREATE TABLE "temporary_api_keys" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "service" varchar(32) NOT NULL, "encrypted_key" text NOT NULL, "key_name" varchar(100), "key_preview" varchar(32), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime, CONSTRAINT "fk_api_keys_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
      await queryRunner.query(
        `INSERT INTO "temporary_api_keys"("id", "user_id", "service", "encrypted_key", "key_name", "key_preview", "created_at", "last_used_at") SELECT "id", "user_id", "service", "encrypted_key", "key_name", "key_preview", "created_at", "last_used_at" FROM "api_keys"`,
      );
      await queryRunner.query(`DROP TABLE "api_keys"`);
      await queryRunner.query(`ALTER TABLE "temporary_api_keys" RENAME TO "api_keys"`);
      await queryRunner.query(`CREATE INDEX "ix_api_keys_user_id_created_at" ON "api_keys" ("user_id", "created_at") `);
      await queryRunner.query(`DROP INDEX "ix_user_sessions_user_id_created_at"`);
      await queryRunner.query(
        `CREATE TABLE "temporary_user_sessions" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "refresh_token_jti" varchar(64) NOT NULL, "previous_refresh_jti" varchar(64), "rotated_at" datetime, "access_token_jti" varchar(64), "login_method" varchar(16) NOT NULL DEFAULT ('password'), "ip_address" varchar(45), "user_agent" varchar(512), "device_name" varchar(100), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_active_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime, "revoked_reason" varchar(64), CONSTRAINT "fk_user_sessions_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
      await queryRunner.query(
        `INSERT INTO "temporary_user_sessions"("id", "user_id", "refresh_token_jti", "previous_refresh_jti", "rotated_at", "access_token_jti", "login_method", "ip_address", "user_agent", "device_name", "created_at", "last_active_at", "expires_at", "revoked_at", "revoked_reason") SELECT "id", "user_id", "refresh_token_jti", "previous_refresh_jti", "rotated_at", "access_token_jti", "login_method", "ip_address", "user_agent", "device_name", "created_at", "last_active_at", "expires_at", "revoked_at", "revoked_reason" FROM "user_sessions"`,
      );
      await queryRunner.query(`DROP TABLE "user_sessions"`);
      await queryRunner.query(`ALTER TABLE "temporary_user_sessions" RENAME TO "user_sessions"`);
      await queryRunner.query(
        `CREATE INDEX "ix_user_sessions_user_id_created_at" ON "user_sessions" ("user_id", "created_at") `,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') {
      await queryRunner.query(`ALTER TABLE "user_sessions" DROP CONSTRAINT "fk_user_sessions_user_id"`);
      await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "fk_api_keys_user_id"`);
      await queryRunner.query(`ALTER TABLE "transcription_jobs" DROP CONSTRAINT "fk_transcription_jobs_user_id"`);
      await queryRunner.query(`DROP INDEX "public"."ix_user_sessions_user_id_created_at"`);
      await queryRunner.query(`DROP TABLE "user_sessions"`);
      await queryRunner.query(`DROP INDEX "public"."ix_revoked_tokens_expires_at"`);
      await queryRunner.query(`DROP INDEX "public"."uq_revoked_tokens_jti"`);
      await queryRunner.query(`DROP TABLE "revoked_tokens"`);
      await queryRunner.query(`DROP INDEX "public"."ix_api_keys_user_id_created_at"`);
      await queryRunner.query(`DROP TABLE "api_keys"`);
      await queryRunner.query(`DROP INDEX "public"."uq_transcription_jobs_user_id_job_id"`);
      await queryRunner.query(`DROP INDEX "public"."ix_transcription_jobs_user_id_created_at"`);
      await queryRunner.query(`DROP INDEX "public"."ix_transcription_jobs_user_id_status"`);
      await queryRunner.query(`DROP TABLE "transcription_jobs"`);
      await queryRunner.query(`DROP TYPE "public"."job_task"`);
      await queryRunner.query(`DROP TYPE "public"."job_status"`);
      await queryRunner.query(`DROP INDEX "public"."uq_users_api_key_hash"`);
      await queryRunner.query(`DROP INDEX "public"."uq_users_username_canonical"`);
      await queryRunner.query(`DROP INDEX "public"."uq_users_email"`);
      await queryRunner.query(`DROP TABLE "users"`);
      await queryRunner.query(`DROP TYPE "public"."user_role"`);
      await queryRunner.query(`DROP INDEX "public"."ix_security_events_user_id_created_at"`);
      await queryRunner.query(`DROP INDEX "public"."ix_security_events_type_created_at"`);
      await queryRunner.query(`DROP INDEX "public"."ix_security_events_created_at"`);
      await queryRunner.query(`DROP TABLE "security_events"`);
      await queryRunner.query(`DROP INDEX "public"."ix_login_history_user_id_login_at"`);
      await queryRunner.query(`DROP INDEX "public"."ix_login_history_login_at"`);
      await queryRunner.query(`DROP TABLE "login_history"`);
    } else {
      await queryRunner.query(`DROP INDEX "ix_user_sessions_user_id_created_at"`);
      await queryRunner.query(`ALTER TABLE "user_sessions" RENAME TO "temporary_user_sessions"`);
      await queryRunner.query(
        `CREATE TABLE "user_sessions" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "refresh_token_jti" varchar(64) NOT NULL, "previous_refresh_jti" varchar(64), "rotated_at" datetime, "access_token_jti" varchar(64), "login_method" varchar(16) NOT NULL DEFAULT ('password'), "ip_address" varchar(45), "user_agent" varchar(512), "device_name" varchar(100), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_active_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime, "revoked_reason" varchar(64))`,
      );
      await queryRunner.query(
        `INSERT INTO "user_sessions"("id", "user_id", "refresh_token_jti", "previous_refresh_jti", "rotated_at", "access_token_jti", "login_method", "ip_address", "user_agent", "device_name", "created_at", "last_active_at", "expires_at", "revoked_at", "revoked_reason") SELECT "id", "user_id", "refresh_token_jti", "previous_refresh_jti", "rotated_at", "access_token_jti", "login_method", "ip_address", "user_agent", "device_name", "created_at", "last_active_at", "expires_at", "revoked_at", "revoked_reason" FROM "temporary_user_sessions"`,
      );
      await queryRunner.query(`DROP TABLE "temporary_user_sessions"`);
      await queryRunner.query(
        `CREATE INDEX "ix_user_sessions_user_id_created_at" ON "user_sessions" ("user_id", "created_at") `,
      );
      await queryRunner.query(`DROP INDEX "ix_api_keys_user_id_created_at"`);
      await queryRunner.query(`ALTER TABLE "api_keys" RENAME TO "temporary_api_keys"`);
      await queryRunner.query(
        `CREATE TABLE "api_keys" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "service" varchar(32) NOT NULL, "encrypted_key" text NOT NULL, "key_name" varchar(100), "key_preview" varchar(32), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime)`,
      );
      await queryRunner.query(
        `INSERT INTO "api_keys"("id", "user_id", "service", "encrypted_key", "key_name", "key_preview", "created_at", "last_used_at") SELECT "id", "user_id", "service", "encrypted_key", "key_name", "key_preview", "created_at", "last_used_at" FROM "temporary_api_keys"`,
      );
      await queryRunner.query(`DROP TABLE "temporary_api_keys"`);
      await queryRunner.query(`CREATE INDEX "ix_api_keys_user_id_created_at" ON "api_keys" ("user_id", "created_at") `);
      await queryRunner.query(`DROP INDEX "uq_transcription_jobs_user_id_job_id"`);
      await queryRunner.query(`DROP INDEX "ix_transcription_jobs_user_id_created_at"`);
      await queryRunner.query(`DROP INDEX "ix_transcription_jobs_user_id_status"`);
      await queryRunner.query(`ALTER TABLE "transcription_jobs" RENAME TO "temporary_transcription_jobs"`);
      await queryRunner.query(
        `CREATE TABLE "transcription_jobs" ("id" varchar PRIMARY KEY NOT NULL, "job_id" varchar NOT NULL, "user_id" varchar NOT NULL, "filename" varchar(255) NOT NULL, "status" varchar CHECK( "status" IN ('pending','processing','completed','failed') ) NOT NULL DEFAULT ('pending'), "task" varchar CHECK( "task" IN ('transcribe','translate','tts') ) NOT NULL DEFAULT ('transcribe'), "transcript" text, "error" text, "detected_language" varchar(16), "translated_to" varchar(16), "with_diarization" boolean NOT NULL DEFAULT (0), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), "started_at" datetime, "completed_at" datetime)`,
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
      await queryRunner.query(`DROP INDEX "ix_user_sessions_user_id_created_at"`);
      await queryRunner.query(`DROP TABLE "user_sessions"`);
      await queryRunner.query(`DROP INDEX "ix_revoked_tokens_expires_at"`);
      await queryRunner.query(`DROP INDEX "uq_revoked_tokens_jti"`);
      await queryRunner.query(`DROP TABLE "revoked_tokens"`);
      await queryRunner.query(`DROP INDEX "ix_api_keys_user_id_created_at"`);
      await queryRunner.query(`DROP TABLE "api_keys"`);
      await queryRunner.query(`DROP INDEX "uq_transcription_jobs_user_id_job_id"`);
      await queryRunner.query(`DROP INDEX "ix_transcription_jobs_user_id_created_at"`);
      await queryRunner.query(`DROP INDEX "ix_transcription_jobs_user_id_status"`);
      await queryRunner.query(`DROP TABLE "transcription_jobs"`);
      await queryRunner.query(`DROP INDEX "uq_users_api_key_hash"`);
      await queryRunner.query(`DROP INDEX "uq_users_username_canonical"`);
      await queryRunner.query(`DROP INDEX "uq_users_email"`);
      await queryRunner.query(`DROP TABLE "users"`);
      await queryRunner.query(`DROP INDEX "ix_security_events_user_id_created_at"`);
      await queryRunner.query(`DROP INDEX "ix_security_events_type_created_at"`);
      await queryRunner.query(`DROP INDEX "ix_security_events_created_at"`);
      await queryRunner.query(`DROP TABLE "security_events"`);
      await queryRunner.query(`DROP INDEX "ix_login_history_user_id_login_at"`);
      await queryRunner.query(`DROP INDEX "ix_login_history_login_at"`);
      await queryRunner.query(`DROP TABLE "login_history"`);
    }
  }
}
