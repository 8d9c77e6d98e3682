import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, JsonColumn, TimestampColumn } from '../../database/columns';
import { MailKind, MailStatus } from '../mail.enums';

/**
 * One mail to send, written in the transaction of the change that causes it and sent later by the outbox worker.
 * It never holds a secret: a mail that carries a link gets its token when it is sent.
 */
@Entity('mail_outbox')
@Index('ix_mail_outbox_due', ['status', 'nextAttemptAt'])
export class MailOutbox {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_mail_outbox' })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  kind: MailKind;

  /** The account the mail is about (no foreign key: a notice may outlive a deleted account's row). */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ name: 'to_address', type: 'varchar', length: 254 })
  toAddress: string;

  /** What the template shows besides the account (never a secret). */
  @JsonColumn({ nullable: true })
  params: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 16, default: MailStatus.Pending })
  status: MailStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @TimestampColumn({ name: 'next_attempt_at' })
  nextAttemptAt: Date;

  /** A worker's lease: until then no other worker claims the row. */
  @TimestampColumn({ name: 'claimed_until', nullable: true })
  claimedUntil: Date | null;

  /** Which claim holds the lease, so a worker whose lease ran out cannot record another's outcome. */
  @Column({ name: 'claim_id', type: 'varchar', length: 36, nullable: true })
  claimId: string | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @TimestampColumn({ name: 'sent_at', nullable: true })
  sentAt: Date | null;
}
