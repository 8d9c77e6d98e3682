import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { JobStatus } from '../jobs.enums';
import { LANGUAGE_MESSAGE, LANGUAGE_PATTERN, trim } from './job-fields';

/** A status change; the other fields are written with it when present (null clears them). */
export class UpdateJobDto {
  @ApiProperty({
    enum: JobStatus,
    enumName: 'JobStatus',
    description:
      'pending → processing | completed | failed; processing → completed | failed. Anything else is 409 INVALID_STATE_TRANSITION.',
  })
  @IsEnum(JobStatus, { message: `status must be one of: ${Object.values(JobStatus).join(', ')}` })
  status: JobStatus;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The full transcript, stored without truncation; more than TRANSCRIPT_MAX_BYTES (5 MiB) is 413.',
  })
  @IsOptional()
  @IsString()
  transcript?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why the job failed.' })
  @IsOptional()
  @IsString()
  error?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'en', maxLength: 16 })
  @Transform(trim)
  @IsOptional()
  @Matches(LANGUAGE_PATTERN, { message: `detected_language ${LANGUAGE_MESSAGE}` })
  detected_language?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'de', maxLength: 16 })
  @Transform(trim)
  @IsOptional()
  @Matches(LANGUAGE_PATTERN, { message: `translated_to ${LANGUAGE_MESSAGE}` })
  translated_to?: string | null;

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    description: 'Seconds of audio the job processed; only with status completed. Counts toward the monthly quota.',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'audio_seconds must be a number' })
  @Min(0)
  @Max(31_622_400)
  audio_seconds?: number;
}
