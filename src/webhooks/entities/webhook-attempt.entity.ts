import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../database/columns';
import { WebhookDelivery } from './webhook-delivery.entity';

/** One try of a delivery: when, what the receiver answered or why there was no answer, how long it took. */
@Entity('webhook_attempts')
@Index('ix_webhook_attempts_delivery_id_attempted_at', ['deliveryId', 'attemptedAt'])
export class WebhookAttempt {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_webhook_attempts' })
  id: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId: string;

  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id', foreignKeyConstraintName: 'fk_webhook_attempts_delivery_id' })
  delivery?: WebhookDelivery;

  @TimestampColumn({ name: 'attempted_at' })
  attemptedAt: Date;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus: number | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  error: string | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;
}
