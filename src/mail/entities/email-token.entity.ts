import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../../database/columns';
import { User } from '../../users/entities/user.entity';
import { EmailTokenPurpose } from '../mail.enums';

/** A link's token, as SHA-256 only; single use, bound to the address it was sent to. */
@Entity('email_tokens')
@Index('ix_email_tokens_user_purpose', ['userId', 'purpose'])
export class EmailToken {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_email_tokens' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_email_tokens_user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 20 })
  purpose: EmailTokenPurpose;

  /** SHA-256 (hex) of the token; the token itself is only in the mail. */
  @Index('uq_email_tokens_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  /** The address the link was sent to: the token is good only while the account still has it. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
