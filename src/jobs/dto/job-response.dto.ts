import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JobStatus, JobTask } from '../jobs.enums';

export class JobSummaryDto {
  @ApiProperty({ format: 'uuid', description: 'Voicegate row id.' })
  id: string;

  @ApiProperty({
    format: 'uuid',
    description: 'The id the speech worker knows the job by; the `{job_id}` of the job routes.',
  })
  job_id: string;

  @ApiProperty({ example: 'meeting-2025-01-31.mp3' })
  filename: string;

  @ApiProperty({ enum: JobStatus, enumName: 'JobStatus' })
  status: JobStatus;

  @ApiProperty({ enum: JobTask, enumName: 'JobTask' })
  task: JobTask;

  @ApiProperty({ type: String, nullable: true, example: 'en' })
  detected_language: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'de' })
  translated_to: string | null;

  @ApiProperty()
  with_diarization: boolean;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the job completed or failed.' })
  completed_at: string | null;
}

export class JobDetailDto extends JobSummaryDto {
  @ApiProperty({ type: String, nullable: true })
  transcript: string | null;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the job moved to processing.' })
  started_at: string | null;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;
}

export class JobCountsByTaskDto {
  @ApiProperty()
  transcribe: number;

  @ApiProperty()
  translate: number;

  @ApiProperty()
  tts: number;
}

export class JobStatsDto {
  @ApiProperty()
  total_jobs: number;

  @ApiProperty()
  pending: number;

  @ApiProperty()
  processing: number;

  @ApiProperty()
  completed: number;

  @ApiProperty()
  failed: number;

  @ApiProperty({
    minimum: 0,
    maximum: 1,
    example: 0.9167,
    description:
      'completed / (completed + failed), a fraction from 0 to 1 (not a percentage) rounded to 4 decimal places; 0 when no job has finished yet.',
  })
  success_rate: number;

  @ApiProperty({ type: JobCountsByTaskDto, description: 'Jobs per task, all statuses.' })
  by_task: JobCountsByTaskDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { en: 12, de: 3 },
    description: 'Jobs per detected_language (jobs without one are not counted), the 20 most frequent.',
  })
  languages: Record<string, number>;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 42.5,
    description:
      'Mean of completed_at - created_at over completed and failed jobs, in seconds (3 decimal places); null when none.',
  })
  average_duration_seconds: number | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'created_at of the newest job; null when none.',
  })
  last_job_at: string | null;
}
