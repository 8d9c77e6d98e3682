import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsEnum, IsInt, IsOptional, Max, Min } from 'class-validator';
import { JobStatus, JobTask } from '../jobs.enums';
import { parseInstant, parseQueryInt } from './job-fields';

export const MAX_PAGE_SIZE = 100;
const MAX_OFFSET = 2_147_483_647;
const INSTANT_MESSAGE =
  'must be an ISO-8601 date or date-time, e.g. 2025-01-31 or 2025-01-31T12:00:00Z (no offset means UTC)';

/** `GET /jobs/` query. A parameter that is present must be valid (an empty value is not "absent"). */
export class ListJobsQueryDto {
  @ApiPropertyOptional({ enum: JobStatus, enumName: 'JobStatus', description: 'Only jobs in this status.' })
  @IsOptional()
  @IsEnum(JobStatus, { message: `status_filter must be one of: ${Object.values(JobStatus).join(', ')}` })
  status_filter?: JobStatus;

  @ApiPropertyOptional({ enum: JobTask, enumName: 'JobTask', description: 'Only jobs of this task.' })
  @IsOptional()
  @IsEnum(JobTask, { message: `task must be one of: ${Object.values(JobTask).join(', ')}` })
  task?: JobTask;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Only jobs created at or after this instant (inclusive).',
  })
  @Transform(({ value }) => parseInstant(value))
  @IsOptional()
  @IsDate({ message: `since ${INSTANT_MESSAGE}` })
  since?: Date;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Only jobs created before this instant (exclusive).',
  })
  @Transform(({ value }) => parseInstant(value))
  @IsOptional()
  @IsDate({ message: `until ${INSTANT_MESSAGE}` })
  until?: Date;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @Transform(({ value }) => parseQueryInt(value))
  @IsOptional()
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = 50;

  @ApiPropertyOptional({ type: Number, minimum: 0, default: 0 })
  @Transform(({ value }) => parseQueryInt(value))
  @IsOptional()
  @IsInt({ message: 'offset must be an integer' })
  @Min(0)
  @Max(MAX_OFFSET)
  offset: number = 0;
}
