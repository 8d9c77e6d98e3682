import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../../database/columns';

/** Every password login attempt (the login history), success or failure. */
@Entity('login_history')
@Index('ix_login_history_user_id_login_at', ['userId', 'loginAt'])
@Index('ix_login_history_login_at', ['loginAt'])
export class LoginHistory {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Null when the name given matched no user. No foreign key: history outlives nothing but is kept for audit. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ name: 'username_attempted', type: 'varchar', length: 254, nullable: true })
  usernameAttempted: string | null;

  @TimestampColumn({ name: 'login_at' })
  loginAt: Date;

  @TimestampColumn({ name: 'logout_at', nullable: true })
  logoutAt: Date | null;

  @Column({ name: 'login_method', type: 'varchar', length: 16 })
  loginMethod: string;

  @Column({ type: 'boolean' })
  success: boolean;

  /** The second factor of the sign-in: totp, recovery_code or webauthn (null when none was asked). */
  @Column({ name: 'second_factor', type: 'varchar', length: 16, nullable: true })
  secondFactor: string | null;

  @Column({ name: 'failure_reason', type: 'varchar', length: 64, nullable: true })
  failureReason: string | null;

  @Column({ name: 'ip_address', type: 'varchar', length: 45, nullable: true })
  ipAddress: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;

  @Column({ name: 'jwt_jti', type: 'varchar', length: 64, nullable: true })
  jwtJti: string | null;

  @Column({ type: 'boolean', default: false })
  suspicious: boolean;
}
