import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../../database/columns';
import { User } from '../../users/entities/user.entity';

/** A user's API key (`tk_…`); the key itself is never stored, only its SHA-256. The `default` key is part one's. */
@Entity('user_api_keys')
@Index('ix_user_api_keys_user_id_created_at', ['userId', 'createdAt'])
@Index('uq_user_api_keys_user_id_name', ['userId', 'name'], { unique: true })
export class PersonalKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_api_keys_user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** SHA-256 (hex) of the current secret. */
  @Index('uq_user_api_keys_key_hash', { unique: true })
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  /** First characters of the key, for display. */
  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  /** The secret before the last roll, accepted until `previousExpiresAt` (the roll's overlap). */
  @Index('uq_user_api_keys_previous_key_hash', { unique: true })
  @Column({ name: 'previous_key_hash', type: 'varchar', length: 64, nullable: true })
  previousKeyHash: string | null;

  @TimestampColumn({ name: 'previous_expires_at', nullable: true })
  previousExpiresAt: Date | null;

  /** Space-separated, as OAuth's `scope`; null: every scope the owner has. */
  @Column({ type: 'varchar', length: 400, nullable: true })
  scopes: string | null;

  @TimestampColumn({ name: 'expires_at', nullable: true })
  expiresAt: Date | null;

  /** The key's own limits, counted on top of its owner's; null: none. */
  @Column({ name: 'rate_limit_per_minute', type: 'integer', nullable: true })
  rateLimitPerMinute: number | null;

  @Column({ name: 'rate_limit_per_hour', type: 'integer', nullable: true })
  rateLimitPerHour: number | null;

  @Column({ name: 'rate_limit_per_day', type: 'integer', nullable: true })
  rateLimitPerDay: number | null;

  @CreatedAtColumn()
  createdAt: Date;

  @TimestampColumn({ name: 'rolled_at', nullable: true })
  rolledAt: Date | null;

  @TimestampColumn({ name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;
}
