import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn } from '../../database/columns';
import { User } from '../../users/entities/user.entity';

/** One per login; its id is the `sid` claim of every token issued for it. */
@Entity('user_sessions')
@Index('ix_user_sessions_user_id_created_at', ['userId', 'createdAt'])
export class UserSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_sessions_user_id' })
  user?: User;

  /** jti of the current refresh token; rotation is a compare-and-swap on this column. */
  @Column({ name: 'refresh_token_jti', type: 'varchar', length: 64 })
  refreshTokenJti: string;

  /** jti of the refresh token this one replaced, answered 401 without revocation during the grace. */
  @Column({ name: 'previous_refresh_jti', type: 'varchar', length: 64, nullable: true })
  previousRefreshJti: string | null;

  @TimestampColumn({ name: 'rotated_at', nullable: true })
  rotatedAt: Date | null;

  @Column({ name: 'access_token_jti', type: 'varchar', length: 64, nullable: true })
  accessTokenJti: string | null;

  @Column({ name: 'login_method', type: 'varchar', length: 16, default: 'password' })
  loginMethod: string;

  /** How the session's sign-in was authenticated (RFC 8176 `amr`, comma-separated); its tokens carry it. */
  @Column({ name: 'amr', type: 'varchar', length: 64, nullable: true })
  amr: string | null;

  @Column({ name: 'ip_address', type: 'varchar', length: 45, nullable: true })
  ipAddress: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ name: 'device_name', type: 'varchar', length: 100, nullable: true })
  deviceName: string | null;

  @CreatedAtColumn()
  createdAt: Date;

  @TimestampColumn({ name: 'last_active_at' })
  lastActiveAt: Date;

  @TimestampColumn({ name: 'expires_at' })
  expiresAt: Date;

  @TimestampColumn({ name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 64, nullable: true })
  revokedReason: string | null;
}
