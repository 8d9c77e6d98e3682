import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * signing_keys: the key pairs of the asymmetric ALGORITHMs (EdDSA, ES256, RS256), private halves encrypted with
 * ENCRYPTION_KEY. `slot` is 'current' or 'next' for the two live keys and NULL once retired; its unique index keeps
 * one of each. The DDL is TypeORM's generated SQL per driver.
 */
export class SigningKeys1796500000000 implements MigrationInterface {
  name = 'SigningKeys1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') {
      await queryRunner.query(
        `CREATE TABLE "signing_keys" ("id" uuid NOT NULL, "kid" character varying(64) NOT NULL, "algorithm" character varying(16) NOT NULL, "state" character varying(16) NOT NULL, "slot" character varying(16), "public_jwk" text NOT NULL, "encrypted_private_key" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "activated_at" TIMESTAMP WITH TIME ZONE, "retired_at" TIMESTAMP WITH TIME ZONE, "expires_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_signing_keys" PRIMARY KEY ("id"))`,
      );
    } else {
      await queryRunner.query(
        `CREATE TABLE "signing_keys" ("id" varchar PRIMARY KEY NOT NULL, "kid" varchar(64) NOT NULL, "algorithm" varchar(16) NOT NULL, "state" varchar(16) NOT NULL, "slot" varchar(16), "public_jwk" text NOT NULL, "encrypted_private_key" text, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "activated_at" datetime, "retired_at" datetime, "expires_at" datetime)`,
      );
    }
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_signing_keys_kid" ON "signing_keys" ("kid")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_signing_keys_live_slot" ON "signing_keys" ("slot")`);
    await queryRunner.query(`CREATE INDEX "ix_signing_keys_state" ON "signing_keys" ("state")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_signing_keys_state"`);
    await queryRunner.query(`DROP INDEX "uq_signing_keys_live_slot"`);
    await queryRunner.query(`DROP INDEX "uq_signing_keys_kid"`);
    await queryRunner.query(`DROP TABLE "signing_keys"`);
  }
}
