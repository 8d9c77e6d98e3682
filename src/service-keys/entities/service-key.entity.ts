import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../../database/columns';
import { User } from '../../users/entities/user.entity';

/** A user's third-party service key, Fernet-encrypted. */
@Entity('api_keys')
@Index('ix_api_keys_user_id_created_at', ['userId', 'createdAt'])
export class ServiceKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_api_keys_user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 32 })
  service: string;

  @Column({ name: 'encrypted_key', type: 'text' })
  encryptedKey: string;

  @Column({ name: 'key_name', type: 'varchar', length: 100, nullable: true })
  keyName: string | null;

  /** Display form ("…abcd", see keyPreview), computed at creation; null for imported rows (computed on read). */
  @Column({ name: 'key_preview', type: 'varchar', length: 32, nullable: true })
  keyPreview: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @TimestampColumn({ name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;
}
