import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsOptional, IsString, Length, Matches } from 'class-validator';
import { JobTask } from '../jobs.enums';
import { IsAnyUuid, LANGUAGE_MESSAGE, LANGUAGE_PATTERN, trim } from './job-fields';

export class CreateJobDto {
  @ApiProperty({ example: 'meeting-2025-01-31.mp3', minLength: 1, maxLength: 255 })
  @Transform(trim)
  @IsString()
  @Length(1, 255)
  filename: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The id the speech worker knows the job by; generated when absent. Unique per user (409 when reused).',
  })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsOptional()
  @IsAnyUuid()
  job_id?: string;

  @ApiPropertyOptional({ enum: JobTask, enumName: 'JobTask', default: JobTask.Transcribe })
  @IsOptional()
  @IsEnum(JobTask, { message: `task must be one of: ${Object.values(JobTask).join(', ')}` })
  task?: JobTask;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  with_diarization?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'de', maxLength: 16 })
  @Transform(trim)
  @IsOptional()
  @Matches(LANGUAGE_PATTERN, { message: `translated_to ${LANGUAGE_MESSAGE}` })
  translated_to?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'en', maxLength: 16 })
  @Transform(trim)
  @IsOptional()
  @Matches(LANGUAGE_PATTERN, { message: `detected_language ${LANGUAGE_MESSAGE}` })
  detected_language?: string | null;
}
