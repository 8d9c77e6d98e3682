import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../../database/columns';
import { DeliveryStatus } from '../webhooks.enums';
import { WebhookEndpoint } from './webhook-endpoint.entity';

/**
 * The outbox: one event for one endpoint, written in the transaction of the change it describes. Its id is the
 * `webhook-id` of every try, so a receiver can drop the repeats of at-least-once delivery.
 */
@Entity('webhook_deliveries')
@Index('ix_webhook_deliveries_due', ['status', 'nextAttemptAt'])
@Index('ix_webhook_deliveries_endpoint_id_created_at', ['endpointId', 'createdAt'])
export class WebhookDelivery {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_webhook_deliveries' })
  id: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId: string;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id', foreignKeyConstraintName: 'fk_webhook_deliveries_endpoint_id' })
  endpoint?: WebhookEndpoint;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType: string;

  /** The exact JSON body sent on every try (`{type, timestamp, data}`). */
  @Column({ type: 'text' })
  payload: string;

  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  /** Tries made so far. */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @TimestampColumn({ name: 'next_attempt_at' })
  nextAttemptAt: Date;

  /** A worker's claim: no other worker takes the row before this time. */
  @TimestampColumn({ name: 'locked_until', nullable: true })
  lockedUntil: Date | null;

  @Column({ name: 'lock_token', type: 'varchar', length: 36, nullable: true })
  lockToken: string | null;

  @TimestampColumn({ name: 'last_attempt_at', nullable: true })
  lastAttemptAt: Date | null;

  /** HTTP status of the last try (null: no response, see last_error). */
  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 300, nullable: true })
  lastError: string | null;

  @TimestampColumn({ name: 'delivered_at', nullable: true })
  deliveredAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
