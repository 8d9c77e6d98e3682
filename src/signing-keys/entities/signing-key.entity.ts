import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../../database/columns';

export type SigningKeyState = 'next' | 'current' | 'retired';

/**
 * A token-signing key pair (asymmetric ALGORITHM). `current` signs; `next` is published ahead of its promotion so
 * verifiers already hold it; `retired` only verifies, until `expires_at` (every token it signed has expired by then).
 */
@Entity('signing_keys')
@Index('ix_signing_keys_state', ['state'])
export class SigningKey {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_signing_keys' })
  id: string;

  /** RFC 7638 JWK thumbprint (SHA-256) of the public key; the tokens' `kid`. */
  @Index('uq_signing_keys_kid', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 16 })
  algorithm: string;

  @Column({ type: 'varchar', length: 16 })
  state: SigningKeyState;

  /** At most one key in each of the states `next` and `current` (the rotation's compare-and-swap relies on it). */
  @Index('uq_signing_keys_live_slot', { unique: true })
  @Column({ type: 'varchar', length: 16, nullable: true })
  slot: 'next' | 'current' | null;

  /** The public JWK (JSON text), as GET /.well-known/jwks.json lists it. */
  @Column({ name: 'public_jwk', type: 'text' })
  publicJwk: string;

  /** PKCS#8 private key encrypted with ENCRYPTION_KEY (Fernet); erased when the key retires. */
  @Column({ name: 'encrypted_private_key', type: 'text', nullable: true })
  encryptedPrivateKey: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @TimestampColumn({ name: 'activated_at', nullable: true })
  activatedAt: Date | null;

  @TimestampColumn({ name: 'retired_at', nullable: true })
  retiredAt: Date | null;

  /** Retired keys: from then on no longer published, and tokens carrying its kid are refused. */
  @TimestampColumn({ name: 'expires_at', nullable: true })
  expiresAt: Date | null;
}
