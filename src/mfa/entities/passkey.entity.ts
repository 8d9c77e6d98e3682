import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../../database/columns';
import { User } from '../../users/entities/user.entity';

/** A WebAuthn credential (passkey) of a user: its public key and signature counter. */
@Entity('passkeys')
@Index('ix_passkeys_user_id', ['userId'])
export class Passkey {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_passkeys' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_passkeys_user_id' })
  user?: User;

  /** The credential id, base64url, as the authenticator reports it. */
  @Index('uq_passkeys_credential_id', { unique: true })
  @Column({ name: 'credential_id', type: 'varchar', length: 512 })
  credentialId: string;

  /** COSE public key, base64url. */
  @Column({ name: 'public_key', type: 'text' })
  publicKey: string;

  /** Signature counter (uint32); an assertion must carry a larger one unless both are 0. */
  @Column({
    name: 'counter',
    type: 'bigint',
    default: 0,
    transformer: { to: (v: number) => v, from: (v: unknown) => Number(v) },
  })
  counter: number;

  /** Comma-separated transports the authenticator reported (usb, internal, hybrid …). */
  @Column({ name: 'transports', type: 'varchar', length: 128, nullable: true })
  transports: string | null;

  @Column({ name: 'name', type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'device_type', type: 'varchar', length: 16 })
  deviceType: string;

  @Column({ name: 'backed_up', type: 'boolean', default: false })
  backedUp: boolean;

  @Column({ name: 'aaguid', type: 'varchar', length: 36, nullable: true })
  aaguid: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @TimestampColumn({ name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;
}
