import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhooks: endpoints (secret Fernet-encrypted), the delivery outbox written with each change, and the
 * tries of each delivery. TypeORM's generated DDL per driver, with the SQLite foreign keys declared in the
 * CREATE TABLE rather than by TypeORM's rebuild-the-table steps (the tables are new).
 */
export class Webhooks1796700000000 implements MigrationInterface {
  name = 'Webhooks1796700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') {
      await queryRunner.query(
        `CREATE TABLE "webhook_endpoints" ("id" uuid NOT NULL, "url" character varying(2048) NOT NULL, "description" character varying(500), "events" text NOT NULL, "secret_encrypted" text NOT NULL, "previous_secret_encrypted" text, "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE, "enabled" boolean NOT NULL DEFAULT true, "disabled_reason" character varying(500), "disabled_at" TIMESTAMP WITH TIME ZONE, "last_success_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_webhook_endpoints" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `CREATE TABLE "webhook_deliveries" ("id" uuid NOT NULL, "endpoint_id" uuid NOT NULL, "event_type" character varying(64) NOT NULL, "payload" text NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "locked_until" TIMESTAMP WITH TIME ZONE, "lock_token" character varying(36), "last_attempt_at" TIMESTAMP WITH TIME ZONE, "response_status" integer, "last_error" character varying(300), "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_webhook_deliveries_endpoint_id_created_at" ON "webhook_deliveries" ("endpoint_id", "created_at") `,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_webhook_deliveries_due" ON "webhook_deliveries" ("status", "next_attempt_at") `,
      );
      await queryRunner.query(
        `CREATE TABLE "webhook_attempts" ("id" uuid NOT NULL, "delivery_id" uuid NOT NULL, "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "response_status" integer, "error" character varying(300), "duration_ms" integer NOT NULL, CONSTRAINT "pk_webhook_attempts" PRIMARY KEY ("id"))`,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_webhook_attempts_delivery_id_attempted_at" ON "webhook_attempts" ("delivery_id", "attempted_at") `,
      );
      await queryRunner.query(
        `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "fk_webhook_deliveries_endpoint_id" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
      await queryRunner.query(
        `ALTER TABLE "webhook_attempts" ADD CONSTRAINT "fk_webhook_attempts_delivery_id" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
    } else {
      await queryRunner.query(
        `CREATE TABLE "webhook_endpoints" ("id" varchar PRIMARY KEY NOT NULL, "url" varchar(2048) NOT NULL, "description" varchar(500), "events" text NOT NULL, "secret_encrypted" text NOT NULL, "previous_secret_encrypted" text, "previous_secret_expires_at" datetime, "enabled" boolean NOT NULL DEFAULT (1), "disabled_reason" varchar(500), "disabled_at" datetime, "last_success_at" datetime, "created_by" varchar, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`,
      );
      await queryRunner.query(
        `CREATE TABLE "webhook_deliveries" ("id" varchar PRIMARY KEY NOT NULL, "endpoint_id" varchar NOT NULL, "event_type" varchar(64) NOT NULL, "payload" text NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL DEFAULT (0), "next_attempt_at" datetime NOT NULL, "locked_until" datetime, "lock_token" varchar(36), "last_attempt_at" datetime, "response_status" integer, "last_error" varchar(300), "delivered_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_webhook_deliveries_endpoint_id" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_webhook_deliveries_endpoint_id_created_at" ON "webhook_deliveries" ("endpoint_id", "created_at") `,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_webhook_deliveries_due" ON "webhook_deliveries" ("status", "next_attempt_at") `,
      );
      await queryRunner.query(
        `CREATE TABLE "webhook_attempts" ("id" varchar PRIMARY KEY NOT NULL, "delivery_id" varchar NOT NULL, "attempted_at" datetime NOT NULL, "response_status" integer, "error" varchar(300), "duration_ms" integer NOT NULL, CONSTRAINT "fk_webhook_attempts_delivery_id" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_webhook_attempts_delivery_id_attempted_at" ON "webhook_attempts" ("delivery_id", "attempted_at") `,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Dropping a table drops its indexes and the foreign keys it holds, on both drivers.
    await queryRunner.query(`DROP TABLE "webhook_attempts"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
  }
}
