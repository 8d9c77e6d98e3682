import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../../database/columns';

/** A WebAuthn challenge handed out with options: 5 minutes, spent once by a conditional UPDATE. */
@Entity('webauthn_challenges')
@Index('ix_webauthn_challenges_expires_at', ['expiresAt'])
export class WebauthnChallenge {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_webauthn_challenges' })
  id: string;

  /** base64url, as sent in the options (not a secret: the authenticator's signature over it is what counts). */
  @Index('uq_webauthn_challenges_challenge', { unique: true })
  @Column({ name: 'challenge', type: 'varchar', length: 128 })
  challenge: string;

  /** register | login | mfa */
  @Column({ name: 'purpose', type: 'varchar', length: 16 })
  purpose: string;

  /** The registering user, the user named at sign-in, or the mfa_token's user; null for a discoverable sign-in. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  /** The sign-in step this challenge answers (purpose mfa). */
  @Column({ name: 'mfa_challenge_id', type: 'uuid', nullable: true })
  mfaChallengeId: string | null;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'used_at', nullable: true })
  usedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
