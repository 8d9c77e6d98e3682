import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../../database/columns';
import { User } from '../../users/entities/user.entity';

/** The sign-in step between a correct password and the second factor (the `mfa_token`, SHA-256 at rest). */
@Entity('mfa_challenges')
@Index('ix_mfa_challenges_user_id', ['userId'])
@Index('ix_mfa_challenges_expires_at', ['expiresAt'])
export class MfaChallenge {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_mfa_challenges' })
  id: string;

  @Index('uq_mfa_challenges_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_mfa_challenges_user_id' })
  user?: User;

  /** The route the password was given to: `password` (/auth/login) or `oauth2_password` (/auth/token). */
  @Column({ name: 'login_method', type: 'varchar', length: 16 })
  loginMethod: string;

  /** The name the password was given with (login history keeps it). */
  @Column({ name: 'login', type: 'varchar', length: 254 })
  login: string;

  @Column({ name: 'device_name', type: 'varchar', length: 100, nullable: true })
  deviceName: string | null;

  /** Codes tried with this token: a try reserves one first, so parallel guesses never exceed the limit. */
  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts: number;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
