import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { uniqueViolation } from '../database/db-errors';
import { QuotaService } from '../gate/quota.service';
import { CreateJobDto } from './dto/create-job.dto';
import { JobDetailDto, JobStatsDto, JobSummaryDto } from './dto/job-response.dto';
import { ListJobsQueryDto } from './dto/list-jobs-query.dto';
import { UpdateJobDto } from './dto/update-job.dto';
import { TranscriptionJob } from './entities/transcription-job.entity';
import { toJobDetail, toJobSummary } from './job.mapper';
import { JobStatus, JobTask } from './jobs.enums';
import { JobChanges, JobsRepository } from './jobs.repository';
import { allowedSources, canTransition, isFinal, USAGE_COUNTER } from './jobs.transitions';

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly clock: Clock,
    private readonly quota: QuotaService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'transcriptMaxBytes'>,
  ) {}

  async create(userId: string, dto: CreateJobDto): Promise<JobDetailDto> {
    await this.quota.assertJobAllowed(userId, dto.task ?? JobTask.Transcribe);
    const now = this.clock.date();
    const job = Object.assign(new TranscriptionJob(), {
      id: randomUUID(),
      jobId: dto.job_id ?? randomUUID(),
      userId,
      filename: dto.filename,
      status: JobStatus.Pending,
      task: dto.task ?? JobTask.Transcribe,
      transcript: null,
      error: null,
      detectedLanguage: dto.detected_language ?? null,
      translatedTo: dto.translated_to ?? null,
      withDiarization: dto.with_diarization ?? false,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      completedAt: null,
    });
    const taken = () => new AppError(ErrorCode.Conflict, `You already have a job with job_id ${job.jobId}`);
    // The look-up answers the usual retry without a failed INSERT in the logs; the unique index settles races.
    if (dto.job_id && (await this.jobs.jobIdTaken(userId, job.jobId))) throw taken();
    try {
      await this.jobs.insert(job);
    } catch (err) {
      if (uniqueViolation(err)) throw taken();
      throw err;
    }
    return toJobDetail(job);
  }

  async list(userId: string, query: ListJobsQueryDto): Promise<{ jobs: JobSummaryDto[]; total: number }> {
    if (query.since && query.until && query.since >= query.until)
      throw AppError.validation([{ field: 'until', message: 'must be later than since' }]);
    const { rows, total } = await this.jobs.list(
      userId,
      { status: query.status_filter, task: query.task, since: query.since, until: query.until },
      query.limit,
      query.offset,
    );
    return { jobs: rows.map(toJobSummary), total };
  }

  async get(userId: string, ref: string): Promise<JobDetailDto> {
    return toJobDetail(await this.findOwned(userId, ref));
  }

  /** A status change under the transition table; completing counts toward the owner's usage exactly once. */
  async update(userId: string, ref: string, dto: UpdateJobDto): Promise<JobDetailDto> {
    const job = await this.findOwned(userId, ref, 'summary');
    const to = dto.status;
    if (dto.audio_seconds !== undefined && to !== JobStatus.Completed)
      throw AppError.validation([{ field: 'audio_seconds', message: 'is only accepted with status completed' }]);
    // A transcript over the cap is refused whole (413), before anything changes.
    if (dto.transcript && Buffer.byteLength(dto.transcript, 'utf8') > this.config.transcriptMaxBytes)
      throw new AppError(
        ErrorCode.PayloadTooLarge,
        `Transcript is too large (at most ${this.config.transcriptMaxBytes} bytes of UTF-8)`,
      );
    if (!canTransition(job.status, to)) throw this.transitionError(job.status, to);

    const now = this.clock.date();
    const changes: JobChanges = {};
    if (dto.transcript !== undefined) changes.transcript = dto.transcript;
    if (dto.error !== undefined) changes.error = dto.error;
    if (dto.detected_language !== undefined) changes.detectedLanguage = dto.detected_language;
    if (dto.translated_to !== undefined) changes.translatedTo = dto.translated_to;
    if (to === JobStatus.Processing) changes.startedAt = now;
    if (isFinal(to)) changes.completedAt = now;
    const usage = to === JobStatus.Completed ? USAGE_COUNTER[job.task] : undefined;

    // The pre-read above only chooses the message; the conditional UPDATE decides (another request may have won).
    if (!(await this.jobs.transition(userId, job.id, allowedSources(to), to, changes, now, usage))) {
      const current = await this.jobs.findStatus(userId, job.id);
      if (current === null) throw AppError.notFound('Job');
      throw this.transitionError(current, to);
    }
    if (usage) {
      await this.quota.recordJob(userId, job.task, dto.audio_seconds ?? 0);
    }
    const updated = await this.jobs.findById(userId, job.id);
    if (!updated) throw AppError.notFound('Job'); // deleted right after the change
    return toJobDetail(updated);
  }

  async remove(userId: string, ref: string): Promise<void> {
    const job = await this.findOwned(userId, ref, 'summary');
    if (!(await this.jobs.delete(userId, job.id))) throw AppError.notFound('Job'); // deleted concurrently
  }

  /** From the user's running totals (job_stats) and the newest job: the cost does not grow with the number of jobs. */
  async stats(userId: string): Promise<JobStatsDto> {
    const [groups, languages, last] = await Promise.all([
      this.jobs.groupStats(userId),
      this.jobs.topLanguages(userId),
      this.jobs.lastCreatedAt(userId),
    ]);
    const byStatus = Object.fromEntries(Object.values(JobStatus).map((s) => [s, 0])) as Record<JobStatus, number>;
    const byTask = Object.fromEntries(Object.values(JobTask).map((t) => [t, 0])) as Record<JobTask, number>;
    let durationSum = 0;
    let durationCount = 0;
    for (const g of groups) {
      byStatus[g.status] += g.count;
      byTask[g.task] += g.count;
      if (isFinal(g.status)) {
        durationSum += g.durationSumSeconds;
        durationCount += g.durationCount;
      }
    }
    const finished = byStatus.completed + byStatus.failed;
    return {
      total_jobs: Object.values(byStatus).reduce((a, b) => a + b, 0),
      pending: byStatus.pending,
      processing: byStatus.processing,
      completed: byStatus.completed,
      failed: byStatus.failed,
      success_rate: finished ? round(byStatus.completed / finished, 4) : 0,
      by_task: { transcribe: byTask.transcribe, translate: byTask.translate, tts: byTask.tts },
      languages: Object.fromEntries(languages.map((l) => [l.language, l.count])),
      average_duration_seconds: durationCount ? round(durationSum / durationCount, 3) : null,
      last_job_at: last ? last.toISOString() : null,
    };
  }

  private async findOwned(userId: string, ref: string, columns: 'all' | 'summary' = 'all'): Promise<TranscriptionJob> {
    // Someone else's job is answered exactly like a missing one.
    const job = await this.jobs.findOwned(userId, ref, columns);
    if (!job) throw AppError.notFound('Job');
    return job;
  }

  private transitionError(from: JobStatus, to: JobStatus): AppError {
    const allowed = allowedSources(to).length
      ? `only a ${allowedSources(to).join(' or ')} job can become ${to}`
      : `no job can go back to ${to}`;
    return new AppError(ErrorCode.InvalidStateTransition, `Cannot change a ${from} job to ${to}: ${allowed}`, {
      extensions: { current_status: from },
    });
  }
}
