import { ApiProperty } from '@nestjs/swagger';
import { Role } from '../../common/role';

export class EffectiveRateLimitsDto {
  @ApiProperty({ type: 'integer' })
  per_minute: number;

  @ApiProperty({ type: 'integer' })
  per_hour: number;

  @ApiProperty({ type: 'integer' })
  per_day: number;
}

/** A user's own limits; null where the role's default applies. */
export class RateLimitOverridesDto {
  @ApiProperty({ type: 'integer', nullable: true })
  per_minute: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  per_hour: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  per_day: number | null;
}

/** This calendar month's (UTC) usage, counted against the quota. */
export class MonthUsageDto {
  @ApiProperty({ type: 'integer' })
  transcriptions: number;

  @ApiProperty({ type: 'integer' })
  translations: number;

  @ApiProperty({ type: 'integer' })
  tts: number;

  @ApiProperty({ type: 'number' })
  audio_seconds: number;

  @ApiProperty({ format: 'date-time', description: 'When the month ends and the counts start again' })
  resets_at: string;
}

/** Monthly quotas in force (the default or an admin's override); null = unlimited. */
export class QuotaLimitsDto {
  @ApiProperty({ type: 'integer', nullable: true })
  transcriptions: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  translations: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  tts: number | null;

  @ApiProperty({ type: 'number', nullable: true })
  audio_seconds: number | null;
}

export class UserUsageDto {
  @ApiProperty({ type: 'integer' })
  total_requests: number;

  @ApiProperty({ type: 'integer' })
  transcriptions: number;

  @ApiProperty({ type: 'integer' })
  translations: number;

  @ApiProperty({ type: 'integer' })
  tts: number;

  @ApiProperty({ type: MonthUsageDto })
  month: MonthUsageDto;
}

/** A user as every route shows it (UserOut): never a hash or a secret. */
export class UserResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  email: string;

  @ApiProperty()
  username: string;

  @ApiProperty({ type: String, nullable: true })
  full_name: string | null;

  @ApiProperty({ enum: Role, enumName: 'Role', type: String })
  role: Role;

  @ApiProperty({ description: 'role is admin' })
  is_superuser: boolean;

  @ApiProperty()
  is_active: boolean;

  @ApiProperty()
  is_verified: boolean;

  @ApiProperty()
  is_suspended: boolean;

  @ApiProperty({ type: String, nullable: true })
  suspended_reason: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set while a lockout lasts' })
  locked_until: string | null;

  @ApiProperty({ type: EffectiveRateLimitsDto, description: 'The limits in force' })
  rate_limits: EffectiveRateLimitsDto;

  @ApiProperty({ type: RateLimitOverridesDto })
  rate_limit_overrides: RateLimitOverridesDto;

  @ApiProperty({ type: UserUsageDto })
  usage: UserUsageDto;

  @ApiProperty({ type: QuotaLimitsDto })
  quota: QuotaLimitsDto;

  @ApiProperty({ type: String, nullable: true, example: 'tk_ab12cd' })
  api_key_prefix: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  api_key_created_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  api_key_last_used_at: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Free-form client settings' })
  settings: Record<string, unknown>;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_login_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  password_changed_at: string | null;
}
