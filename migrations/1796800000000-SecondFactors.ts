import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Second factors (issue #25): TOTP authenticators, recovery codes, the sign-in step's mfa_token, passkeys and their
 * WebAuthn challenges; login_history.second_factor and user_sessions.amr. The DDL is TypeORM's generated SQL per
 * driver (SQLite adds foreign keys and columns by rebuilding the table).
 */
export class SecondFactors1796800000000 implements MigrationInterface {
  name = 'SecondFactors1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') {
      await queryRunner.query(
        `CREATE TABLE "mfa_challenges" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" character varying(64) NOT NULL, "user_id" uuid NOT NULL, "login_method" character varying(16) NOT NULL, "login" character varying(254) NOT NULL, "device_name" character varying(100), "attempts" integer NOT NULL DEFAULT '0', "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_mfa_challenges" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `CREATE UNIQUE INDEX "uq_mfa_challenges_token_hash" ON "mfa_challenges"  ("token_hash") `,
      );
      await queryRunner.query(`CREATE INDEX "ix_mfa_challenges_expires_at" ON "mfa_challenges"  ("expires_at") `);
      await queryRunner.query(`CREATE INDEX "ix_mfa_challenges_user_id" ON "mfa_challenges"  ("user_id") `);
      await queryRunner.query(
        `CREATE TABLE "passkeys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "credential_id" character varying(512) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT '0', "transports" character varying(128), "name" character varying(100) NOT NULL, "device_type" character varying(16) NOT NULL, "backed_up" boolean NOT NULL DEFAULT false, "aaguid" character varying(36), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_passkeys" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_passkeys_credential_id" ON "passkeys"  ("credential_id") `);
      await queryRunner.query(`CREATE INDEX "ix_passkeys_user_id" ON "passkeys"  ("user_id") `);
      await queryRunner.query(
        `CREATE TABLE "mfa_recovery_codes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "code_hash" character varying(64) NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_mfa_recovery_codes" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `CREATE UNIQUE INDEX "uq_mfa_recovery_codes_user_id_code_hash" ON "mfa_recovery_codes"  ("user_id", "code_hash") `,
      );
      await queryRunner.query(
        `CREATE TABLE "mfa_totp" ("user_id" uuid NOT NULL, "secret_encrypted" character varying(255), "pending_secret_encrypted" character varying(255), "pending_created_at" TIMESTAMP WITH TIME ZONE, "confirmed_at" TIMESTAMP WITH TIME ZONE, "last_step" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_mfa_totp" PRIMARY KEY ("user_id"))`,
      );
      await queryRunner.query(
        `CREATE TABLE "webauthn_challenges" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "challenge" character varying(128) NOT NULL, "purpose" character varying(16) NOT NULL, "user_id" uuid, "mfa_challenge_id" uuid, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_webauthn_challenges" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `CREATE UNIQUE INDEX "uq_webauthn_challenges_challenge" ON "webauthn_challenges"  ("challenge") `,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_webauthn_challenges_expires_at" ON "webauthn_challenges"  ("expires_at") `,
      );
      await queryRunner.query(`ALTER TABLE "login_history" ADD "second_factor" character varying(16)`);
      await queryRunner.query(`ALTER TABLE "user_sessions" ADD "amr" character varying(64)`);
      await queryRunner.query(
        `ALTER TABLE "mfa_challenges" ADD CONSTRAINT "fk_mfa_challenges_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
      await queryRunner.query(
        `ALTER TABLE "passkeys" ADD CONSTRAINT "fk_passkeys_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
      await queryRunner.query(
        `ALTER TABLE "mfa_recovery_codes" ADD CONSTRAINT "fk_mfa_recovery_codes_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
      await queryRunner.query(
        `ALTER TABLE "mfa_totp" ADD CONSTRAINT "fk_mfa_totp_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
    } else {
      await queryRunner.query(
        `CREATE TABLE "mfa_challenges" ("id" varchar PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" varchar NOT NULL, "login_method" varchar(16) NOT NULL, "login" varchar(254) NOT NULL, "device_name" varchar(100), "attempts" integer NOT NULL DEFAULT (0), "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`,
      );
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_mfa_challenges_token_hash" ON "mfa_challenges" ("token_hash") `);
      await queryRunner.query(`CREATE INDEX "ix_mfa_challenges_expires_at" ON "mfa_challenges" ("expires_at") `);
      await queryRunner.query(`CREATE INDEX "ix_mfa_challenges_user_id" ON "mfa_challenges" ("user_id") `);
      await queryRunner.query(
        `CREATE TABLE "passkeys" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "credential_id" varchar(512) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT (0), "transports" varchar(128), "name" varchar(100) NOT NULL, "device_type" varchar(16) NOT NULL, "backed_up" boolean NOT NULL DEFAULT (0), "aaguid" varchar(36), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime)`,
      );
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_passkeys_credential_id" ON "passkeys" ("credential_id") `);
      await queryRunner.query(`CREATE INDEX "ix_passkeys_user_id" ON "passkeys" ("user_id") `);
      await queryRunner.query(
        `CREATE TABLE "mfa_recovery_codes" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "code_hash" varchar(64) NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`,
      );
      await queryRunner.query(
        `CREATE UNIQUE INDEX "uq_mfa_recovery_codes_user_id_code_hash" ON "mfa_recovery_codes" ("user_id", "code_hash") `,
      );
      await queryRunner.query(
        `CREATE TABLE "mfa_totp" ("user_id" varchar PRIMARY KEY NOT NULL, "secret_encrypted" varchar(255), "pending_secret_encrypted" varchar(255), "pending_created_at" datetime, "confirmed_at" datetime, "last_step" integer, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`,
      );
      await queryRunner.query(
        `CREATE TABLE "webauthn_challenges" ("id" varchar PRIMARY KEY NOT NULL, "challenge" varchar(128) NOT NULL, "purpose" varchar(16) NOT NULL, "user_id" varchar, "mfa_challenge_id" varchar, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`,
      );
      await queryRunner.query(
        `CREATE UNIQUE INDEX "uq_webauthn_challenges_challenge" ON "webauthn_challenges" ("challenge") `,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_webauthn_challenges_expires_at" ON "webauthn_challenges" ("expires_at") `,
      );
      await queryRunner.query(`DROP INDEX "ix_login_history_user_id_login_at"`);
      await queryRunner.query(`DROP INDEX "ix_login_history_login_at"`);
      await queryRunner.query(
        `CREATE TABLE "temporary_login_history" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar, "username_attempted" varchar(254), "login_at" datetime NOT NULL, "logout_at" datetime, "login_method" varchar(16) NOT NULL, "success" boolean NOT NULL, "failure_reason" varchar(64), "ip_address" varchar(45), "user_agent" varchar(512), "session_id" varchar, "jwt_jti" varchar(64), "suspicious" boolean NOT NULL DEFAULT (0), "second_factor" varchar(16))`,
      );
      await queryRunner.query(
        `INSERT INTO "temporary_login_history"("id", "user_id", "username_attempted", "login_at", "logout_at", "login_method", "success", "failure_reason", "ip_address", "user_agent", "session_id", "jwt_jti", "suspicious") SELECT "id", "user_id", "username_attempted", "login_at", "logout_at", "login_method", "success", "failure_reason", "ip_address", "user_agent", "session_id", "jwt_jti", "suspicious" FROM "login_history"`,
      );
      await queryRunner.query(`DROP TABLE "login_history"`);
      await queryRunner.query(`ALTER TABLE "temporary_login_history" RENAME TO "login_history"`);
      await queryRunner.query(
        `CREATE INDEX "ix_login_history_user_id_login_at" ON "login_history" ("user_id", "login_at") `,
      );
      await queryRunner.query(`CREATE INDEX "ix_login_history_login_at" ON "login_history" ("login_at") `);
      await queryRunner.query(`DROP INDEX "ix_user_sessions_user_id_created_at"`);
      await queryRunner.query(
        `CREATE TABLE "temporary_user_sessions" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "refresh_token_jti" varchar(64) NOT NULL, "previous_refresh_jti" varchar(64), "rotated_at" datetime, "access_token_jti" varchar(64), "login_method" varchar(16) NOT NULL DEFAULT ('password'), "ip_address" varchar(45), "user_agent" varchar(512), "device_name" varchar(100), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_active_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime, "revoked_reason" varchar(64), "amr" varchar(64), CONSTRAINT "fk_user_sessions_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
      await queryRunner.query(
        `INSERT INTO "temporary_user_sessions"("id", "user_id", "refresh_token_jti", "previous_refresh_jti", "rotated_at", "access_token_jti", "login_method", "ip_address", "user_agent", "device_name", "created_at", "last_active_at", "expires_at", "revoked_at", "revoked_reason") SELECT "id", "user_id", "refresh_token_jti", "previous_refresh_jti", "rotated_at", "access_token_jti", "login_method", "ip_address", "user_agent", "device_name", "created_at", "last_active_at", "expires_at", "revoked_at", "revoked_reason" FROM "user_sessions"`,
      );
      await queryRunner.query(`DROP TABLE "user_sessions"`);
      await queryRunner.query(`ALTER TABLE "temporary_user_sessions" RENAME TO "user_sessions"`);
      await queryRunner.query(
        `CREATE INDEX "ix_user_sessions_user_id_created_at" ON "user_sessions" ("user_id", "created_at") `,
      );
      await queryRunner.query(`DROP INDEX "uq_mfa_challenges_token_hash"`);
      await queryRunner.query(`DROP INDEX "ix_mfa_challenges_expires_at"`);
      await queryRunner.query(`DROP INDEX "ix_mfa_challenges_user_id"`);
      await queryRunner.query(
        `CREATE TABLE "temporary_mfa_challenges" ("id" varchar PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" varchar NOT NULL, "login_method" varchar(16) NOT NULL, "login" varchar(254) NOT NULL, "device_name" varchar(100), "attempts" integer NOT NULL DEFAULT (0), "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_mfa_challenges_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
      await queryRunner.query(
        `INSERT INTO "temporary_mfa_challenges"("id", "token_hash", "user_id", "login_method", "login", "device_name", "attempts", "expires_at", "used_at", "created_at") SELECT "id", "token_hash", "user_id", "login_method", "login", "device_name", "attempts", "expires_at", "used_at", "created_at" FROM "mfa_challenges"`,
      );
      await queryRunner.query(`DROP TABLE "mfa_challenges"`);
      await queryRunner.query(`ALTER TABLE "temporary_mfa_challenges" RENAME TO "mfa_challenges"`);
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_mfa_challenges_token_hash" ON "mfa_challenges" ("token_hash") `);
      await queryRunner.query(`CREATE INDEX "ix_mfa_challenges_expires_at" ON "mfa_challenges" ("expires_at") `);
      await queryRunner.query(`CREATE INDEX "ix_mfa_challenges_user_id" ON "mfa_challenges" ("user_id") `);
      await queryRunner.query(`DROP INDEX "uq_passkeys_credential_id"`);
      await queryRunner.query(`DROP INDEX "ix_passkeys_user_id"`);
      await queryRunner.query(
        `CREATE TABLE "temporary_passkeys" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "credential_id" varchar(512) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT (0), "transports" varchar(128), "name" varchar(100) NOT NULL, "device_type" varchar(16) NOT NULL, "backed_up" boolean NOT NULL DEFAULT (0), "aaguid" varchar(36), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime, CONSTRAINT "fk_passkeys_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
      await queryRunner.query(
        `INSERT INTO "temporary_passkeys"("id", "user_id", "credential_id", "public_key", "counter", "transports", "name", "device_type", "backed_up", "aaguid", "created_at", "last_used_at") SELECT "id", "user_id", "credential_id", "public_key", "counter", "transports", "name", "device_type", "backed_up", "aaguid", "created_at", "last_used_at" FROM "passkeys"`,
      );
      await queryRunner.query(`DROP TABLE "passkeys"`);
      await queryRunner.query(`ALTER TABLE "temporary_passkeys" RENAME TO "passkeys"`);
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_passkeys_credential_id" ON "passkeys" ("credential_id") `);
      await queryRunner.query(`CREATE INDEX "ix_passkeys_user_id" ON "passkeys" ("user_id") `);
      await queryRunner.query(`DROP INDEX "uq_mfa_recovery_codes_user_id_code_hash"`);
      await queryRunner.query(
        `CREATE TABLE "temporary_mfa_recovery_codes" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "code_hash" varchar(64) NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_mfa_recovery_codes_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
      await queryRunner.query(
        `INSERT INTO "temporary_mfa_recovery_codes"("id", "user_id", "code_hash", "used_at", "created_at") SELECT "id", "user_id", "code_hash", "used_at", "created_at" FROM "mfa_recovery_codes"`,
      );
      await queryRunner.query(`DROP TABLE "mfa_recovery_codes"`);
      await queryRunner.query(`ALTER TABLE "temporary_mfa_recovery_codes" RENAME TO "mfa_recovery_codes"`);
      await queryRunner.query(
        `CREATE UNIQUE INDEX "uq_mfa_recovery_codes_user_id_code_hash" ON "mfa_recovery_codes" ("user_id", "code_hash") `,
      );
      await queryRunner.query(
        `CREATE TABLE "temporary_mfa_totp" ("user_id" varchar PRIMARY KEY NOT NULL, "secret_encrypted" varchar(255), "pending_secret_encrypted" varchar(255), "pending_created_at" datetime, "confirmed_at" datetime, "last_step" integer, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_mfa_totp_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
      await queryRunner.query(
        `INSERT INTO "temporary_mfa_totp"("user_id", "secret_encrypted", "pending_secret_encrypted", "pending_created_at", "confirmed_at", "last_step", "created_at", "updated_at") SELECT "user_id", "secret_encrypted", "pending_secret_encrypted", "pending_created_at", "confirmed_at", "last_step", "created_at", "updated_at" FROM "mfa_totp"`,
      );
      await queryRunner.query(`DROP TABLE "mfa_totp"`);
      await queryRunner.query(`ALTER TABLE "temporary_mfa_totp" RENAME TO "mfa_totp"`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') {
      await queryRunner.query(`ALTER TABLE "mfa_totp" DROP CONSTRAINT "fk_mfa_totp_user_id"`);
      await queryRunner.query(`ALTER TABLE "mfa_recovery_codes" DROP CONSTRAINT "fk_mfa_recovery_codes_user_id"`);
      await queryRunner.query(`ALTER TABLE "passkeys" DROP CONSTRAINT "fk_passkeys_user_id"`);
      await queryRunner.query(`ALTER TABLE "mfa_challenges" DROP CONSTRAINT "fk_mfa_challenges_user_id"`);
      await queryRunner.query(`ALTER TABLE "user_sessions" DROP COLUMN "amr"`);
      await queryRunner.query(`ALTER TABLE "login_history" DROP COLUMN "second_factor"`);
      await queryRunner.query(`DROP INDEX "public"."ix_webauthn_challenges_expires_at"`);
      await queryRunner.query(`DROP INDEX "public"."uq_webauthn_challenges_challenge"`);
      await queryRunner.query(`DROP TABLE "webauthn_challenges"`);
      await queryRunner.query(`DROP TABLE "mfa_totp"`);
      await queryRunner.query(`DROP INDEX "public"."uq_mfa_recovery_codes_user_id_code_hash"`);
      await queryRunner.query(`DROP TABLE "mfa_recovery_codes"`);
      await queryRunner.query(`DROP INDEX "public"."ix_passkeys_user_id"`);
      await queryRunner.query(`DROP INDEX "public"."uq_passkeys_credential_id"`);
      await queryRunner.query(`DROP TABLE "passkeys"`);
      await queryRunner.query(`DROP INDEX "public"."ix_mfa_challenges_user_id"`);
      await queryRunner.query(`DROP INDEX "public"."ix_mfa_challenges_expires_at"`);
      await queryRunner.query(`DROP INDEX "public"."uq_mfa_challenges_token_hash"`);
      await queryRunner.query(`DROP TABLE "mfa_challenges"`);
    } else {
      await queryRunner.query(`ALTER TABLE "mfa_totp" RENAME TO "temporary_mfa_totp"`);
      await queryRunner.query(
        `CREATE TABLE "mfa_totp" ("user_id" varchar PRIMARY KEY NOT NULL, "secret_encrypted" varchar(255), "pending_secret_encrypted" varchar(255), "pending_created_at" datetime, "confirmed_at" datetime, "last_step" integer, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`,
      );
      await queryRunner.query(
        `INSERT INTO "mfa_totp"("user_id", "secret_encrypted", "pending_secret_encrypted", "pending_created_at", "confirmed_at", "last_step", "created_at", "updated_at") SELECT "user_id", "secret_encrypted", "pending_secret_encrypted", "pending_created_at", "confirmed_at", "last_step", "created_at", "updated_at" FROM "temporary_mfa_totp"`,
      );
      await queryRunner.query(`DROP TABLE "temporary_mfa_totp"`);
      await queryRunner.query(`DROP INDEX "uq_mfa_recovery_codes_user_id_code_hash"`);
      await queryRunner.query(`ALTER TABLE "mfa_recovery_codes" RENAME TO "temporary_mfa_recovery_codes"`);
      await queryRunner.query(
        `CREATE TABLE "mfa_recovery_codes" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "code_hash" varchar(64) NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`,
      );
      await queryRunner.query(
        `INSERT INTO "mfa_recovery_codes"("id", "user_id", "code_hash", "used_at", "created_at") SELECT "id", "user_id", "code_hash", "used_at", "created_at" FROM "temporary_mfa_recovery_codes"`,
      );
      await queryRunner.query(`DROP TABLE "temporary_mfa_recovery_codes"`);
      await queryRunner.query(
        `CREATE UNIQUE INDEX "uq_mfa_recovery_codes_user_id_code_hash" ON "mfa_recovery_codes" ("user_id", "code_hash") `,
      );
      await queryRunner.query(`DROP INDEX "ix_passkeys_user_id"`);
      await queryRunner.query(`DROP INDEX "uq_passkeys_credential_id"`);
      await queryRunner.query(`ALTER TABLE "passkeys" RENAME TO "temporary_passkeys"`);
      await queryRunner.query(
        `CREATE TABLE "passkeys" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "credential_id" varchar(512) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT (0), "transports" varchar(128), "name" varchar(100) NOT NULL, "device_type" varchar(16) NOT NULL, "backed_up" boolean NOT NULL DEFAULT (0), "aaguid" varchar(36), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime)`,
      );
      await queryRunner.query(
        `INSERT INTO "passkeys"("id", "user_id", "credential_id", "public_key", "counter", "transports", "name", "device_type", "backed_up", "aaguid", "created_at", "last_used_at") SELECT "id", "user_id", "credential_id", "public_key", "counter", "transports", "name", "device_type", "backed_up", "aaguid", "created_at", "last_used_at" FROM "temporary_passkeys"`,
      );
      await queryRunner.query(`DROP TABLE "temporary_passkeys"`);
      await queryRunner.query(`CREATE INDEX "ix_passkeys_user_id" ON "passkeys" ("user_id") `);
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_passkeys_credential_id" ON "passkeys" ("credential_id") `);
      await queryRunner.query(`DROP INDEX "ix_mfa_challenges_user_id"`);
      await queryRunner.query(`DROP INDEX "ix_mfa_challenges_expires_at"`);
      await queryRunner.query(`DROP INDEX "uq_mfa_challenges_token_hash"`);
      await queryRunner.query(`ALTER TABLE "mfa_challenges" RENAME TO "temporary_mfa_challenges"`);
      await queryRunner.query(
        `CREATE TABLE "mfa_challenges" ("id" varchar PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" varchar NOT NULL, "login_method" varchar(16) NOT NULL, "login" varchar(254) NOT NULL, "device_name" varchar(100), "attempts" integer NOT NULL DEFAULT (0), "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`,
      );
      await queryRunner.query(
        `INSERT INTO "mfa_challenges"("id", "token_hash", "user_id", "login_method", "login", "device_name", "attempts", "expires_at", "used_at", "created_at") SELECT "id", "token_hash", "user_id", "login_method", "login", "device_name", "attempts", "expires_at", "used_at", "created_at" FROM "temporary_mfa_challenges"`,
      );
      await queryRunner.query(`DROP TABLE "temporary_mfa_challenges"`);
      await queryRunner.query(`CREATE INDEX "ix_mfa_challenges_user_id" ON "mfa_challenges" ("user_id") `);
      await queryRunner.query(`CREATE INDEX "ix_mfa_challenges_expires_at" ON "mfa_challenges" ("expires_at") `);
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_mfa_challenges_token_hash" ON "mfa_challenges" ("token_hash") `);
      await queryRunner.query(`DROP INDEX "ix_user_sessions_user_id_created_at"`);
      await queryRunner.query(`ALTER TABLE "user_sessions" RENAME TO "temporary_user_sessions"`);
      await queryRunner.query(
        `CREATE TABLE "user_sessions" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "refresh_token_jti" varchar(64) NOT NULL, "previous_refresh_jti" varchar(64), "rotated_at" datetime, "access_token_jti" varchar(64), "login_method" varchar(16) NOT NULL DEFAULT ('password'), "ip_address" varchar(45), "user_agent" varchar(512), "device_name" varchar(100), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_active_at" datetime NOT NULL, "expires_at" datetime NOT NULL, "revoked_at" datetime, "revoked_reason" varchar(64), CONSTRAINT "fk_user_sessions_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
      await queryRunner.query(
        `INSERT INTO "user_sessions"("id", "user_id", "refresh_token_jti", "previous_refresh_jti", "rotated_at", "access_token_jti", "login_method", "ip_address", "user_agent", "device_name", "created_at", "last_active_at", "expires_at", "revoked_at", "revoked_reason") SELECT "id", "user_id", "refresh_token_jti", "previous_refresh_jti", "rotated_at", "access_token_jti", "login_method", "ip_address", "user_agent", "device_name", "created_at", "last_active_at", "expires_at", "revoked_at", "revoked_reason" FROM "temporary_user_sessions"`,
      );
      await queryRunner.query(`DROP TABLE "temporary_user_sessions"`);
      await queryRunner.query(
        `CREATE INDEX "ix_user_sessions_user_id_created_at" ON "user_sessions" ("user_id", "created_at") `,
      );
      await queryRunner.query(`DROP INDEX "ix_login_history_login_at"`);
      await queryRunner.query(`DROP INDEX "ix_login_history_user_id_login_at"`);
      await queryRunner.query(`ALTER TABLE "login_history" RENAME TO "temporary_login_history"`);
      await queryRunner.query(
        `CREATE TABLE "login_history" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar, "username_attempted" varchar(254), "login_at" datetime NOT NULL, "logout_at" datetime, "login_method" varchar(16) NOT NULL, "success" boolean NOT NULL, "failure_reason" varchar(64), "ip_address" varchar(45), "user_agent" varchar(512), "session_id" varchar, "jwt_jti" varchar(64), "suspicious" boolean NOT NULL DEFAULT (0))`,
      );
      await queryRunner.query(
        `INSERT INTO "login_history"("id", "user_id", "username_attempted", "login_at", "logout_at", "login_method", "success", "failure_reason", "ip_address", "user_agent", "session_id", "jwt_jti", "suspicious") SELECT "id", "user_id", "username_attempted", "login_at", "logout_at", "login_method", "success", "failure_reason", "ip_address", "user_agent", "session_id", "jwt_jti", "suspicious" FROM "temporary_login_history"`,
      );
      await queryRunner.query(`DROP TABLE "temporary_login_history"`);
      await queryRunner.query(`CREATE INDEX "ix_login_history_login_at" ON "login_history" ("login_at") `);
      await queryRunner.query(
        `CREATE INDEX "ix_login_history_user_id_login_at" ON "login_history" ("user_id", "login_at") `,
      );
      await queryRunner.query(`DROP INDEX "ix_webauthn_challenges_expires_at"`);
      await queryRunner.query(`DROP INDEX "uq_webauthn_challenges_challenge"`);
      await queryRunner.query(`DROP TABLE "webauthn_challenges"`);
      await queryRunner.query(`DROP TABLE "mfa_totp"`);
      await queryRunner.query(`DROP INDEX "uq_mfa_recovery_codes_user_id_code_hash"`);
      await queryRunner.query(`DROP TABLE "mfa_recovery_codes"`);
      await queryRunner.query(`DROP INDEX "ix_passkeys_user_id"`);
      await queryRunner.query(`DROP INDEX "uq_passkeys_credential_id"`);
      await queryRunner.query(`DROP TABLE "passkeys"`);
      await queryRunner.query(`DROP INDEX "ix_mfa_challenges_user_id"`);
      await queryRunner.query(`DROP INDEX "ix_mfa_challenges_expires_at"`);
      await queryRunner.query(`DROP INDEX "uq_mfa_challenges_token_hash"`);
      await queryRunner.query(`DROP TABLE "mfa_challenges"`);
    }
  }
}
