import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * mail_outbox (mails waiting for the outbox worker, written with the change that causes them) and email_tokens
 * (the SHA-256 of verification and password-reset link tokens). The DDL is TypeORM's generated SQL per driver.
 */
export class MailOutboxAndEmailTokens1796600000000 implements MigrationInterface {
  name = 'MailOutboxAndEmailTokens1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') {
      await queryRunner.query(
        `CREATE TABLE "email_tokens" ("id" uuid NOT NULL, "user_id" uuid NOT NULL, "purpose" character varying(20) NOT NULL, "token_hash" character varying(64) NOT NULL, "email" character varying(254) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_email_tokens" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_email_tokens_token_hash" ON "email_tokens" ("token_hash")`);
      await queryRunner.query(`CREATE INDEX "ix_email_tokens_user_purpose" ON "email_tokens" ("user_id", "purpose")`);
      await queryRunner.query(
        `ALTER TABLE "email_tokens" ADD CONSTRAINT "fk_email_tokens_user_id" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
      await queryRunner.query(
        `CREATE TABLE "mail_outbox" ("id" uuid NOT NULL, "kind" character varying(32) NOT NULL, "user_id" uuid, "to_address" character varying(254) NOT NULL, "params" jsonb, "status" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "claimed_until" TIMESTAMP WITH TIME ZONE, "claim_id" character varying(36), "last_error" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_mail_outbox" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(`CREATE INDEX "ix_mail_outbox_due" ON "mail_outbox" ("status", "next_attempt_at")`);
    } else {
      await queryRunner.query(
        `CREATE TABLE "email_tokens" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "purpose" varchar(20) NOT NULL, "token_hash" varchar(64) NOT NULL, "email" varchar(254) NOT NULL, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_email_tokens_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
      await queryRunner.query(`CREATE UNIQUE INDEX "uq_email_tokens_token_hash" ON "email_tokens" ("token_hash") `);
      await queryRunner.query(`CREATE INDEX "ix_email_tokens_user_purpose" ON "email_tokens" ("user_id", "purpose") `);
      await queryRunner.query(
        `CREATE TABLE "mail_outbox" ("id" varchar PRIMARY KEY NOT NULL, "kind" varchar(32) NOT NULL, "user_id" varchar, "to_address" varchar(254) NOT NULL, "params" jsonb, "status" varchar(16) NOT NULL DEFAULT ('pending'), "attempts" integer NOT NULL DEFAULT (0), "next_attempt_at" datetime NOT NULL, "claimed_until" datetime, "claim_id" varchar(36), "last_error" varchar(500), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "sent_at" datetime)`,
      );
      await queryRunner.query(`CREATE INDEX "ix_mail_outbox_due" ON "mail_outbox" ("status", "next_attempt_at") `);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_mail_outbox_due"`);
    await queryRunner.query(`DROP TABLE "mail_outbox"`);
    await queryRunner.query(`DROP INDEX "ix_email_tokens_user_purpose"`);
    await queryRunner.query(`DROP INDEX "uq_email_tokens_token_hash"`);
    await queryRunner.query(`DROP TABLE "email_tokens"`);
  }
}
