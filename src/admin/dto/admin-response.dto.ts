import { JobsByStatusDto } from './admin-stats.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LoginHistoryItemDto, PageDto, SecurityEventItemDto } from '../../audit/dto/audit-response.dto';
import { SessionResponseDto } from '../../sessions/dto/session-response.dto';
import { UserResponseDto, UserUsageDto } from '../../users/dto/user-response.dto';
import { BulkAction } from '../admin.enums';

/** GET /auth/admin/users: one page of users. */
export class UserListDto extends PageDto {
  @ApiProperty({ type: [UserResponseDto] })
  users: UserResponseDto[];
}

/** POST /auth/admin/users: the new user with their API key (shown once). */
export class CreateUserResponseDto {
  @ApiProperty({ type: UserResponseDto })
  user: UserResponseDto;

  @ApiProperty({ description: 'The personal API key, shown once' })
  api_key: string;

  @ApiPropertyOptional({ description: 'Only when no password was given: the generated one, shown once' })
  generated_password?: string;
}

export class BulkResultErrorDto {
  @ApiProperty({ example: 'not_found' })
  code: string;

  @ApiProperty({ example: 'User not found' })
  detail: string;
}

export class BulkResultItemDto {
  @ApiProperty({ format: 'uuid' })
  user_id: string;

  @ApiProperty()
  success: boolean;

  @ApiPropertyOptional({ type: BulkResultErrorDto, description: 'Why it failed (only when success is false)' })
  error?: BulkResultErrorDto;
}

/** POST /auth/admin/users/bulk: one result per user id, in the order given. */
export class BulkResultDto {
  @ApiProperty({ enum: BulkAction, enumName: 'BulkAction', type: String })
  action: BulkAction;

  @ApiProperty({ type: [BulkResultItemDto] })
  results: BulkResultItemDto[];

  @ApiProperty({ type: 'integer' })
  succeeded: number;

  @ApiProperty({ type: 'integer' })
  failed: number;
}

/** Transcription jobs by status, and their total. */
export class JobCountsDto extends JobsByStatusDto {
  @ApiProperty({ type: 'integer' })
  total: number;
}

/** The user's usage counters plus figures joined from other tables. */
export class UserDetailUsageDto extends UserUsageDto {
  @ApiProperty({ type: JobCountsDto })
  jobs: JobCountsDto;

  @ApiProperty({ type: 'integer', description: 'Live sessions' })
  active_sessions: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_login_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  api_key_last_used_at: string | null;
}

/** GET /auth/admin/users/{id}: the user with recent sign-ins, live sessions, recent security events and usage. */
export class UserDetailDto {
  @ApiProperty({ type: UserResponseDto })
  user: UserResponseDto;

  @ApiProperty({ type: [LoginHistoryItemDto], description: 'The 20 most recent sign-in attempts' })
  login_history: LoginHistoryItemDto[];

  @ApiProperty({ type: [SessionResponseDto], description: 'Live sessions only' })
  sessions: SessionResponseDto[];

  @ApiProperty({ type: [SecurityEventItemDto], description: 'The 20 most recent security events' })
  security_events: SecurityEventItemDto[];

  @ApiProperty({ type: UserDetailUsageDto })
  usage: UserDetailUsageDto;
}

/** A session in GET /auth/admin/users/{id}/sessions, ended ones included. */
export class AdminSessionDto extends SessionResponseDto {
  @ApiProperty({ description: 'Not revoked and not expired' })
  active: boolean;
}

/** POST /auth/admin/users/{id}/reset-password when no password was given. */
export class GeneratedPasswordDto {
  @ApiProperty({ description: 'The generated password, shown once' })
  generated_password: string;
}
