import { JobDetailDto, JobSummaryDto } from './dto/job-response.dto';
import { TranscriptionJob } from './entities/transcription-job.entity';

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** The summary columns the list selects (it never loads transcripts). */
export type JobSummaryRow = Pick<
  TranscriptionJob,
  | 'id'
  | 'jobId'
  | 'filename'
  | 'status'
  | 'task'
  | 'detectedLanguage'
  | 'translatedTo'
  | 'withDiarization'
  | 'createdAt'
  | 'completedAt'
>;

export function toJobSummary(job: JobSummaryRow): JobSummaryDto {
  return {
    id: job.id,
    job_id: job.jobId,
    filename: job.filename,
    status: job.status,
    task: job.task,
    detected_language: job.detectedLanguage,
    translated_to: job.translatedTo,
    with_diarization: Boolean(job.withDiarization),
    created_at: iso(job.createdAt) as string,
    completed_at: iso(job.completedAt),
  };
}

export function toJobDetail(job: TranscriptionJob): JobDetailDto {
  return {
    ...toJobSummary(job),
    transcript: job.transcript,
    error: job.error,
    started_at: iso(job.startedAt),
    updated_at: iso(job.updatedAt) as string,
  };
}
