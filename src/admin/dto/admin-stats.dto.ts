import { ApiProperty } from '@nestjs/swagger';

export class UsersByStatusDto {
  @ApiProperty({ type: 'integer' })
  active: number;

  @ApiProperty({ type: 'integer' })
  inactive: number;

  @ApiProperty({ type: 'integer' })
  suspended: number;

  @ApiProperty({ type: 'integer' })
  locked: number;

  @ApiProperty({ type: 'integer' })
  unverified: number;
}

export class UsersByRoleDto {
  @ApiProperty({ type: 'integer' })
  admin: number;

  @ApiProperty({ type: 'integer' })
  user: number;
}

export class UsersByMfaDto {
  @ApiProperty({ type: 'integer' })
  enabled: number;

  @ApiProperty({ type: 'integer' })
  disabled: number;
}

export class UserStatsDto {
  @ApiProperty({ type: 'integer' })
  total: number;

  @ApiProperty({ type: UsersByStatusDto, description: 'A user can count in several (e.g. locked and unverified)' })
  by_status: UsersByStatusDto;

  @ApiProperty({ type: UsersByRoleDto })
  by_role: UsersByRoleDto;

  @ApiProperty({ type: UsersByMfaDto, description: 'Users with at least one second factor, and the others' })
  by_mfa: UsersByMfaDto;
}

export class LoginTotalsDto {
  @ApiProperty({ type: 'integer' })
  success: number;

  @ApiProperty({ type: 'integer' })
  failure: number;
}

export class LoginsPerDayDto extends LoginTotalsDto {
  @ApiProperty({ format: 'date', example: '2026-01-31', description: 'A UTC day' })
  date: string;
}

export class LoginStatsDto {
  @ApiProperty({ type: LoginTotalsDto })
  last_24h: LoginTotalsDto;

  @ApiProperty({ type: [LoginsPerDayDto], description: 'The last 30 UTC days, oldest first, today last' })
  per_day: LoginsPerDayDto[];
}

export class JobsByStatusDto {
  @ApiProperty({ type: 'integer' })
  pending: number;

  @ApiProperty({ type: 'integer' })
  processing: number;

  @ApiProperty({ type: 'integer' })
  completed: number;

  @ApiProperty({ type: 'integer' })
  failed: number;
}

export class JobStatsSummaryDto {
  @ApiProperty({ type: JobsByStatusDto })
  by_status: JobsByStatusDto;
}

export class SessionStatsDto {
  @ApiProperty({ type: 'integer', description: 'Sessions neither revoked nor expired' })
  active: number;
}

/** This month's forwarded traffic of every user, as flushed. */
export class GateMonthDto {
  @ApiProperty({ example: '2026-01', description: 'The UTC month' })
  month: string;

  @ApiProperty({ type: 'integer', description: 'Users counted this month' })
  users: number;

  @ApiProperty({ type: 'integer' })
  requests: number;

  @ApiProperty({ type: 'integer' })
  transcriptions: number;

  @ApiProperty({ type: 'integer' })
  translations: number;

  @ApiProperty({ type: 'integer' })
  tts: number;

  @ApiProperty({ type: 'number' })
  audio_seconds: number;
}

/** This instance's gate decisions since it started. */
export class GateDecisionsDto {
  @ApiProperty({ type: 'integer' })
  allowed: number;

  @ApiProperty({ type: 'integer' })
  unauthenticated: number;

  @ApiProperty({ type: 'integer' })
  forbidden: number;

  @ApiProperty({ type: 'integer' })
  rate_limited: number;

  @ApiProperty({ type: 'integer' })
  quota_exceeded: number;
}

export class GateStatsDto {
  @ApiProperty({ type: GateMonthDto })
  month: GateMonthDto;

  @ApiProperty({ type: GateDecisionsDto })
  decisions: GateDecisionsDto;
}

/** The figures AdminQueryService.stats computes (every one an aggregate query). */
export class AdminFiguresDto {
  @ApiProperty({ type: UserStatsDto })
  users: UserStatsDto;

  @ApiProperty({ type: LoginStatsDto })
  logins: LoginStatsDto;

  @ApiProperty({ type: JobStatsSummaryDto })
  jobs: JobStatsSummaryDto;

  @ApiProperty({ type: SessionStatsDto })
  sessions: SessionStatsDto;
}

/** GET /auth/admin/stats: the figures plus the gate's traffic. */
export class AdminStatsDto extends AdminFiguresDto {
  @ApiProperty({ type: GateStatsDto })
  gate: GateStatsDto;
}
