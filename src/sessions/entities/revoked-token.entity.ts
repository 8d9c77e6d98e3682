import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../../database/columns';

/** The token blacklist: individual jtis refused before their expiry (rows past expires_at are cleaned). */
@Entity('revoked_tokens')
export class RevokedToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_revoked_tokens_jti', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  jti: string;

  @Column({ name: 'token_type', type: 'varchar', length: 16 })
  tokenType: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;

  @TimestampColumn({ name: 'revoked_at' })
  revokedAt: Date;

  @Index('ix_revoked_tokens_expires_at')
  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @Column({ type: 'varchar', length: 64, nullable: true })
  reason: string | null;
}
