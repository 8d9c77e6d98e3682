import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, JsonColumn, TimestampColumn, UpdatedAtColumn } from '../../database/columns';
import type { QuotaOverrides } from '../quota';
import { Role } from '../users.enums';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-case, so the unique index is case-insensitive. */
  @Index('uq_users_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** As the user typed it; `usernameCanonical` carries the case-insensitive uniqueness. */
  @Column({ type: 'varchar', length: 32 })
  username: string;

  @Index('uq_users_username_canonical', { unique: true })
  @Column({ name: 'username_canonical', type: 'varchar', length: 32 })
  usernameCanonical: string;

  @Column({ name: 'hashed_password', type: 'varchar', length: 255 })
  hashedPassword: string;

  @Column({ name: 'full_name', type: 'varchar', length: 255, nullable: true })
  fullName: string | null;

  @Column({ type: 'simple-enum', enum: Role, enumName: 'user_role', default: Role.User })
  role: Role;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @Column({ name: 'is_verified', type: 'boolean', default: false })
  isVerified: boolean;

  @Column({ name: 'is_suspended', type: 'boolean', default: false })
  isSuspended: boolean;

  @Column({ name: 'suspended_reason', type: 'varchar', length: 500, nullable: true })
  suspendedReason: string | null;

  @TimestampColumn({ name: 'suspended_at', nullable: true })
  suspendedAt: Date | null;

  /** The `default` API key's prefix and creation time, for display (the keys themselves: user_api_keys). */
  @Column({ name: 'api_key_prefix', type: 'varchar', length: 16, nullable: true })
  apiKeyPrefix: string | null;

  @TimestampColumn({ name: 'api_key_created_at', nullable: true })
  apiKeyCreatedAt: Date | null;

  @TimestampColumn({ name: 'api_key_last_used_at', nullable: true })
  apiKeyLastUsedAt: Date | null;

  @Column({ name: 'failed_login_attempts', type: 'integer', default: 0 })
  failedLoginAttempts: number;

  @TimestampColumn({ name: 'last_failed_login_at', nullable: true })
  lastFailedLoginAt: Date | null;

  @TimestampColumn({ name: 'locked_until', nullable: true })
  lockedUntil: Date | null;

  /** Per-user overrides; null means the role default. */
  @Column({ name: 'rate_limit_per_minute', type: 'integer', nullable: true })
  rateLimitPerMinute: number | null;

  @Column({ name: 'rate_limit_per_hour', type: 'integer', nullable: true })
  rateLimitPerHour: number | null;

  @Column({ name: 'rate_limit_per_day', type: 'integer', nullable: true })
  rateLimitPerDay: number | null;

  @Column({ name: 'usage_total_requests', type: 'integer', default: 0 })
  usageTotalRequests: number;

  @Column({ name: 'usage_transcriptions', type: 'integer', default: 0 })
  usageTranscriptions: number;

  @Column({ name: 'usage_translations', type: 'integer', default: 0 })
  usageTranslations: number;

  @Column({ name: 'usage_tts', type: 'integer', default: 0 })
  usageTts: number;

  /** Admin-set monthly quotas by kind (a null value: unlimited); a kind not listed takes the configured default. */
  @JsonColumn({ name: 'quota_overrides', nullable: true })
  quotaOverrides: QuotaOverrides | null;

  /** The UTC month (`YYYY-MM`) the usage_month_* counters count; older counters read as zero. */
  @Column({ name: 'usage_month', type: 'varchar', length: 7, nullable: true })
  usageMonth: string | null;

  @Column({ name: 'usage_month_requests', type: 'integer', default: 0 })
  usageMonthRequests: number;

  @Column({ name: 'usage_month_transcriptions', type: 'integer', default: 0 })
  usageMonthTranscriptions: number;

  @Column({ name: 'usage_month_translations', type: 'integer', default: 0 })
  usageMonthTranslations: number;

  @Column({ name: 'usage_month_tts', type: 'integer', default: 0 })
  usageMonthTts: number;

  @Column({ name: 'usage_month_audio_seconds', type: 'double precision', default: 0 })
  usageMonthAudioSeconds: number;

  @JsonColumn({ nullable: true })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary client JSON
  settings: Record<string, any> | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;

  @TimestampColumn({ name: 'last_login_at', nullable: true })
  lastLoginAt: Date | null;

  @TimestampColumn({ name: 'password_changed_at', nullable: true })
  passwordChangedAt: Date | null;
}
