import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '../../database/columns';
import { User } from '../../users/entities/user.entity';

/** A user's TOTP authenticator: a pending secret until a code confirms it, then the active one. */
@Entity('mfa_totp')
export class UserTotp {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'pk_mfa_totp' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_mfa_totp_user_id' })
  user?: User;

  /** Fernet token (ENCRYPTION_KEY) of the base32 secret; null until a setup is confirmed. */
  @Column({ name: 'secret_encrypted', type: 'varchar', length: 255, nullable: true })
  secretEncrypted: string | null;

  /** Fernet token of the secret of a setup not yet confirmed (a new setup replaces it). */
  @Column({ name: 'pending_secret_encrypted', type: 'varchar', length: 255, nullable: true })
  pendingSecretEncrypted: string | null;

  @TimestampColumn({ name: 'pending_created_at', nullable: true })
  pendingCreatedAt: Date | null;

  @TimestampColumn({ name: 'confirmed_at', nullable: true })
  confirmedAt: Date | null;

  /** The last accepted time step: a code is accepted only for a later step (no replay, on every instance). */
  @Column({ name: 'last_step', type: 'integer', nullable: true })
  lastStep: number | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
