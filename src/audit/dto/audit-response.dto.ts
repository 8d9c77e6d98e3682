import { ApiProperty } from '@nestjs/swagger';

export class LoginHistoryItemDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  login_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  logout_at: string | null;

  @ApiProperty({
    example: 'password',
    description: '`password` (/auth/login), `oauth2_password` (/auth/token) or `passkey` (/auth/passkeys/login/verify)',
  })
  login_method: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'totp',
    description: 'The second factor given or tried: totp, recovery_code or webauthn; null when none was asked',
  })
  second_factor: string | null;

  @ApiProperty()
  success: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'bad_password',
    description: 'unknown_user, bad_password, bad_mfa_code, account_locked, inactive, suspended or email_not_verified',
  })
  failure_reason: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.9' })
  ip_address: string | null;

  @ApiProperty({ type: String, nullable: true })
  user_agent: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  session_id: string | null;

  @ApiProperty({
    description: 'Succeeded from a new IP after ≥3 failures in the hour before, or after a refresh-token reuse',
  })
  suspicious: boolean;
}

export class SecurityEventItemDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'login_failed' })
  type: string;

  @ApiProperty({ enum: ['info', 'warning', 'critical'] })
  severity: 'info' | 'warning' | 'critical';

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The user the event is about' })
  user_id: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Who acted (an admin for admin actions)' })
  actor_id: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip_address: string | null;

  @ApiProperty({ type: String, nullable: true })
  user_agent: string | null;

  @ApiProperty({ type: String, nullable: true })
  request_id: string | null;

  @ApiProperty({ type: Object, nullable: true, additionalProperties: true })
  details: Record<string, unknown> | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}

/** The page fields every paginated list carries. */
export class PageDto {
  @ApiProperty({ example: 42 })
  total: number;

  @ApiProperty({ example: 1 })
  page: number;

  @ApiProperty({ example: 20 })
  per_page: number;

  @ApiProperty({ example: 3 })
  pages: number;
}

export class LoginHistoryPageDto extends PageDto {
  @ApiProperty({ type: [LoginHistoryItemDto] })
  items: LoginHistoryItemDto[];
}

export class OwnSecurityEventPageDto extends PageDto {
  @ApiProperty({ type: [SecurityEventItemDto] })
  items: SecurityEventItemDto[];

  @ApiProperty({ type: [SecurityEventItemDto], description: 'Same list as `items` (the admin list calls it `events`)' })
  events: SecurityEventItemDto[];
}

export class AdminSecurityEventPageDto extends PageDto {
  @ApiProperty({ type: [SecurityEventItemDto] })
  events: SecurityEventItemDto[];
}
