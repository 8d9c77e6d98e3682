import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Second factors: TOTP authenticators, recovery codes, the sign-in step's mfa_token, passkeys and their WebAuthn
 * challenges (tables of src/mfa); login_history.second_factor (audit) and user_sessions.amr (sessions). The DDL is
 * TypeORM's generated SQL per driver, with the SQLite foreign keys declared in the CREATE TABLE (the tables are new)
 * and the two columns added in place (ALTER TABLE … ADD COLUMN gives the schema TypeORM's rebuild would).
 */
export class SecondFactors1796900000000 implements MigrationInterface {
  name = 'SecondFactors1796900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    if (postgres) {
      await queryRunner.query(
        `CREATE TABLE "mfa_challenges" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" character varying(64) NOT NULL, "user_id" uuid NOT NULL, "login_method" character varying(16) NOT NULL, "login" character varying(254) NOT NULL, "device_name" character varying(100), "attempts" integer NOT NULL DEFAULT '0', "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_mfa_challenges" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `CREATE TABLE "passkeys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "credential_id" character varying(512) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT '0', "transports" character varying(128), "name" character varying(100) NOT NULL, "device_type" character varying(16) NOT NULL, "backed_up" boolean NOT NULL DEFAULT false, "aaguid" character varying(36), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_passkeys" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `CREATE TABLE "mfa_recovery_codes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "code_hash" character varying(64) NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_mfa_recovery_codes" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `CREATE TABLE "mfa_totp" ("user_id" uuid NOT NULL, "secret_encrypted" character varying(255), "pending_secret_encrypted" character varying(255), "pending_created_at" TIMESTAMP WITH TIME ZONE, "confirmed_at" TIMESTAMP WITH TIME ZONE, "last_step" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_mfa_totp" PRIMARY KEY ("user_id"))`,
      );
      await queryRunner.query(
        `CREATE TABLE "webauthn_challenges" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "challenge" character varying(128) NOT NULL, "purpose" character varying(16) NOT NULL, "user_id" uuid, "mfa_challenge_id" uuid, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_webauthn_challenges" PRIMARY KEY ("id"))`,
      );
      for (const table of ['mfa_challenges', 'passkeys', 'mfa_recovery_codes', 'mfa_totp'])
        await queryRunner.query(
          `ALTER TABLE "${table}" ADD CONSTRAINT "fk_${table}_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
        );
    } else {
      const userFk = (table: string) =>
        `CONSTRAINT "fk_${table}_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION`;
      await queryRunner.query(
        `CREATE TABLE "mfa_challenges" ("id" varchar PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" varchar NOT NULL, "login_method" varchar(16) NOT NULL, "login" varchar(254) NOT NULL, "device_name" varchar(100), "attempts" integer NOT NULL DEFAULT (0), "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), ${userFk('mfa_challenges')})`,
      );
      await queryRunner.query(
        `CREATE TABLE "passkeys" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "credential_id" varchar(512) NOT NULL, "public_key" text NOT NULL, "counter" bigint NOT NULL DEFAULT (0), "transports" varchar(128), "name" varchar(100) NOT NULL, "device_type" varchar(16) NOT NULL, "backed_up" boolean NOT NULL DEFAULT (0), "aaguid" varchar(36), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "last_used_at" datetime, ${userFk('passkeys')})`,
      );
      await queryRunner.query(
        `CREATE TABLE "mfa_recovery_codes" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "code_hash" varchar(64) NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), ${userFk('mfa_recovery_codes')})`,
      );
      await queryRunner.query(
        `CREATE TABLE "mfa_totp" ("user_id" varchar PRIMARY KEY NOT NULL, "secret_encrypted" varchar(255), "pending_secret_encrypted" varchar(255), "pending_created_at" datetime, "confirmed_at" datetime, "last_step" integer, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), ${userFk('mfa_totp')})`,
      );
      await queryRunner.query(
        `CREATE TABLE "webauthn_challenges" ("id" varchar PRIMARY KEY NOT NULL, "challenge" varchar(128) NOT NULL, "purpose" varchar(16) NOT NULL, "user_id" varchar, "mfa_challenge_id" varchar, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`,
      );
    }
    const on = (table: string) => (postgres ? `"${table}"  ` : `"${table}" `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_mfa_challenges_token_hash" ON ${on('mfa_challenges')}("token_hash") `,
    );
    await queryRunner.query(`CREATE INDEX "ix_mfa_challenges_expires_at" ON ${on('mfa_challenges')}("expires_at") `);
    await queryRunner.query(`CREATE INDEX "ix_mfa_challenges_user_id" ON ${on('mfa_challenges')}("user_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_passkeys_credential_id" ON ${on('passkeys')}("credential_id") `);
    await queryRunner.query(`CREATE INDEX "ix_passkeys_user_id" ON ${on('passkeys')}("user_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_mfa_recovery_codes_user_id_code_hash" ON ${on('mfa_recovery_codes')}("user_id", "code_hash") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_webauthn_challenges_challenge" ON ${on('webauthn_challenges')}("challenge") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webauthn_challenges_expires_at" ON ${on('webauthn_challenges')}("expires_at") `,
    );
    const add = postgres ? 'ADD' : 'ADD COLUMN';
    const varchar = postgres ? 'character varying' : 'varchar';
    await queryRunner.query(`ALTER TABLE "login_history" ${add} "second_factor" ${varchar}(16)`);
    await queryRunner.query(`ALTER TABLE "user_sessions" ${add} "amr" ${varchar}(64)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "user_sessions" DROP COLUMN "amr"`);
    await queryRunner.query(`ALTER TABLE "login_history" DROP COLUMN "second_factor"`);
    // Dropping a table drops its indexes and the foreign keys it holds, on both drivers.
    for (const table of ['webauthn_challenges', 'mfa_totp', 'mfa_recovery_codes', 'passkeys', 'mfa_challenges'])
      await queryRunner.query(`DROP TABLE "${table}"`);
  }
}
