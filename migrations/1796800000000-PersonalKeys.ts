import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * user_api_keys: several API keys per user. Every user's existing key hash moves into it as the key named `default`
 * (every scope, no expiry), so each key issued before keeps working; then users.api_key_hash goes. The DDL is
 * TypeORM's generated SQL per driver; SQLite drops the column in place (no table rebuild).
 */
export class PersonalKeys1796800000000 implements MigrationInterface {
  name = 'PersonalKeys1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    if (postgres) {
      await queryRunner.query(
        `CREATE TABLE "user_api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "key_hash" character varying(64) NOT NULL, "prefix" character varying(16) NOT NULL, "previous_key_hash" character varying(64), "previous_expires_at" TIMESTAMP WITH TIME ZONE, "scopes" character varying(400), "expires_at" TIMESTAMP WITH TIME ZONE, "rate_limit_per_minute" integer, "rate_limit_per_hour" integer, "rate_limit_per_day" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "rolled_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_978fa5caa3468f463dac9d92e69" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `ALTER TABLE "user_api_keys" ADD CONSTRAINT "fk_user_api_keys_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
    } else {
      await queryRunner.query(
        `CREATE TABLE "user_api_keys" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "name" varchar(100) NOT NULL, "key_hash" varchar(64) NOT NULL, "prefix" varchar(16) NOT NULL, "previous_key_hash" varchar(64), "previous_expires_at" datetime, "scopes" varchar(400), "expires_at" datetime, "rate_limit_per_minute" integer, "rate_limit_per_hour" integer, "rate_limit_per_day" integer, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "rolled_at" datetime, "last_used_at" datetime, CONSTRAINT "fk_user_api_keys_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
    }
    const on = postgres ? `"user_api_keys"  ` : `"user_api_keys" `;
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_user_api_keys_key_hash" ON ${on}("key_hash") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_user_api_keys_previous_key_hash" ON ${on}("previous_key_hash") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_user_api_keys_user_id_name" ON ${on}("user_id", "name") `);
    await queryRunner.query(`CREATE INDEX "ix_user_api_keys_user_id_created_at" ON ${on}("user_id", "created_at") `);

    // Each user's key becomes their `default` key: same hash (so the same secret authenticates), every scope.
    const newId = postgres
      ? 'gen_random_uuid()'
      : `lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2)
         || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2)
         || '-' || lower(hex(randomblob(6)))`;
    await queryRunner.query(
      `INSERT INTO "user_api_keys" ("id", "user_id", "name", "key_hash", "prefix", "created_at", "last_used_at")
       SELECT ${newId}, "id", 'default', "api_key_hash", COALESCE("api_key_prefix", substr("api_key_hash", 1, 10)),
              COALESCE("api_key_created_at", "created_at"), "api_key_last_used_at"
         FROM "users" WHERE "api_key_hash" IS NOT NULL`,
    );
    await queryRunner.query(
      postgres ? `DROP INDEX "public"."uq_users_api_key_hash"` : `DROP INDEX "uq_users_api_key_hash"`,
    );
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "api_key_hash"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    await queryRunner.query(
      postgres
        ? `ALTER TABLE "users" ADD "api_key_hash" character varying(64)`
        : `ALTER TABLE "users" ADD COLUMN "api_key_hash" varchar(64)`,
    );
    // Only the `default` key survives a revert (part one had one key per user).
    await queryRunner.query(
      `UPDATE "users" SET "api_key_hash" = (SELECT k."key_hash" FROM "user_api_keys" k WHERE k."user_id" = "users"."id" AND k."name" = 'default')`,
    );
    await queryRunner.query(
      postgres
        ? `CREATE UNIQUE INDEX "uq_users_api_key_hash" ON "users"  ("api_key_hash") `
        : `CREATE UNIQUE INDEX "uq_users_api_key_hash" ON "users" ("api_key_hash") `,
    );
    if (postgres) await queryRunner.query(`ALTER TABLE "user_api_keys" DROP CONSTRAINT "fk_user_api_keys_user_id"`);
    await queryRunner.query(`DROP TABLE "user_api_keys"`);
  }
}
