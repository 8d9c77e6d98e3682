import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository, SelectQueryBuilder, UpdateQueryBuilder } from 'typeorm';
import { atomicUpdates } from '../database/atomic-writes';
import { toDbTime } from '../database/columns';
import { User } from '../users/entities/user.entity';
import { TranscriptionJob } from './entities/transcription-job.entity';
import { JobSummaryRow } from './job.mapper';
import { JobStatus, JobTask } from './jobs.enums';
import { USAGE_COUNTER } from './jobs.transitions';

export interface JobFilter {
  status?: JobStatus;
  task?: JobTask;
  since?: Date;
  until?: Date;
}

/** One row of the stats GROUP BY: jobs of one (status, task). */
export interface JobGroupStats {
  status: JobStatus;
  task: JobTask;
  count: number;
  /** Sum of completed_at - created_at in seconds over the group's jobs that have a completed_at, and how many those are. */
  durationSumSeconds: number;
  durationCount: number;
  lastCreatedAt: Date | null;
}

/** What a transition writes (besides status). */
export type JobChanges = Partial<Pick<TranscriptionJob, 'transcript' | 'error' | 'detectedLanguage' | 'translatedTo' | 'startedAt' | 'completedAt'>>;

type UsageCounter = (typeof USAGE_COUNTER)[JobTask];

const SUMMARY_COLUMNS = ['id', 'jobId', 'filename', 'status', 'task', 'detectedLanguage', 'translatedTo', 'withDiarization', 'createdAt', 'completedAt'].map((c) => `j.${c}`);
export const TOP_LANGUAGES = 20;

/** The queries of the jobs module; rules live in JobsService. */
@Injectable()
export class JobsRepository {
  private readonly repo: Repository<TranscriptionJob>;
  private readonly postgres: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(TranscriptionJob);
    this.postgres = dataSource.options.type === 'postgres';
  }

  async insert(job: TranscriptionJob): Promise<void> {
    await this.repo.insert(job);
  }

  async jobIdTaken(userId: string, jobId: string): Promise<boolean> {
    return this.repo.existsBy({ userId, jobId });
  }

  /**
   * The caller's job whose job_id (or, failing that, row id) is `ref`; null when there is none, which
   * includes another user's job. `summary` loads only what a transition needs.
   */
  async findOwned(userId: string, ref: string, columns: 'all' | 'summary' = 'all'): Promise<TranscriptionJob | null> {
    const qb = this.repo.createQueryBuilder('j').where('j.userId = :userId', { userId }).andWhere('(j.jobId = :ref OR j.id = :ref)', { ref });
    if (columns === 'summary') qb.select(SUMMARY_COLUMNS);
    const rows = await qb.getMany();
    return rows.find((r) => r.jobId === ref) ?? rows[0] ?? null;
  }

  async findById(userId: string, id: string): Promise<TranscriptionJob | null> {
    return this.repo.findOneBy({ id, userId });
  }

  async findStatus(userId: string, id: string): Promise<JobStatus | null> {
    const row = await this.repo.findOne({ where: { id, userId }, select: { id: true, status: true } });
    return row?.status ?? null;
  }

  /** A page of summaries, newest first, and the number of jobs matching the filter. */
  async list(userId: string, filter: JobFilter, limit: number, offset: number): Promise<{ rows: JobSummaryRow[]; total: number }> {
    const page = this.filtered(userId, filter).select(SUMMARY_COLUMNS).orderBy('j.createdAt', 'DESC').addOrderBy('j.id', 'DESC').limit(limit).offset(offset);
    const count = this.filtered(userId, filter).select('COUNT(*)', 'n');
    const [rows, counted] = await Promise.all([page.getMany(), count.getRawOne<{ n: string | number }>()]);
    return { rows, total: Number(counted?.n ?? 0) };
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const { affected } = await this.repo.delete({ id, userId });
    return !!affected;
  }

  /**
   * The transition as one conditional UPDATE (`status IN (:from)`), so of two concurrent conflicting
   * changes exactly one matches a row; when it does and `usage` is given, the owner's counter is bumped
   * in the same transaction. Returns whether the job changed.
   */
  async transition(userId: string, id: string, from: JobStatus[], to: JobStatus, changes: JobChanges, now: Date, usage?: UsageCounter): Promise<boolean> {
    if (!from.length) return false;
    const updateJob = (em: EntityManager) =>
      em
        .createQueryBuilder()
        .update(TranscriptionJob)
        .set({ ...changes, status: to, updatedAt: now })
        .where('id = :id AND user_id = :userId AND status IN (:...from)', { id, userId, from });
    const bumpUsage = (em: EntityManager, counter: UsageCounter) =>
      em
        .createQueryBuilder()
        .update(User)
        // Usage is bookkeeping, not a change to the account: updated_at stays (as in UsageBuffer).
        .set({ [counter]: () => `${this.column(User, counter)} + 1`, updatedAt: () => 'updated_at' })
        .where('id = :userId', { userId });

    // One all-or-nothing unit; on SQLite a synchronous transaction (see atomicUpdates), on Postgres a transaction.
    return atomicUpdates(this.dataSource, (run, em) => {
      const changed = run(updateJob(em));
      if (changed instanceof Promise)
        return changed.then(async (n) => {
          if (n !== 1) return false;
          if (usage) await run(bumpUsage(em, usage));
          return true;
        });
      if (changed !== 1) return false;
      if (usage) run(bumpUsage(em, usage));
      return true;
    });
  }

  /** One GROUP BY over the user's jobs (the (user_id, status) index): counts, duration sums, newest job per (status, task). */
  async groupStats(userId: string): Promise<JobGroupStats[]> {
    const seconds = this.postgres
      ? 'EXTRACT(EPOCH FROM (j.completed_at - j.created_at))'
      : '(julianday(j.completed_at) - julianday(j.created_at)) * 86400.0';
    const rows = await this.repo
      .createQueryBuilder('j')
      .select('j.status', 'status')
      .addSelect('j.task', 'task')
      .addSelect('COUNT(*)', 'n')
      .addSelect(`SUM(${seconds})`, 'duration_sum')
      .addSelect('COUNT(j.completed_at)', 'duration_n')
      .addSelect('MAX(j.created_at)', 'last_created_at')
      .where('j.userId = :userId', { userId })
      .groupBy('j.status')
      .addGroupBy('j.task')
      .getRawMany<{ status: JobStatus; task: JobTask; n: string | number; duration_sum: string | number | null; duration_n: string | number; last_created_at: Date | string | null }>();
    return rows.map((r) => ({
      status: r.status,
      task: r.task,
      count: Number(r.n),
      durationSumSeconds: Number(r.duration_sum ?? 0),
      durationCount: Number(r.duration_n),
      lastCreatedAt: this.fromDbTime(r.last_created_at),
    }));
  }

  /** The most frequent detected languages of the user's jobs. */
  async topLanguages(userId: string, limit = TOP_LANGUAGES): Promise<{ language: string; count: number }[]> {
    const rows = await this.repo
      .createQueryBuilder('j')
      .select('j.detectedLanguage', 'language')
      .addSelect('COUNT(*)', 'n')
      .where('j.userId = :userId', { userId })
      .andWhere('j.detectedLanguage IS NOT NULL')
      .groupBy('j.detectedLanguage')
      .orderBy('COUNT(*)', 'DESC')
      .addOrderBy('j.detectedLanguage', 'ASC')
      .limit(limit)
      .getRawMany<{ language: string; n: string | number }>();
    return rows.map((r) => ({ language: r.language, count: Number(r.n) }));
  }

  private filtered(userId: string, filter: JobFilter): SelectQueryBuilder<TranscriptionJob> {
    const qb = this.repo.createQueryBuilder('j').where('j.userId = :userId', { userId });
    if (filter.status) qb.andWhere('j.status = :status', { status: filter.status });
    if (filter.task) qb.andWhere('j.task = :task', { task: filter.task });
    if (filter.since) qb.andWhere('j.createdAt >= :since', { since: toDbTime(filter.since, this.postgres) });
    if (filter.until) qb.andWhere('j.createdAt < :until', { until: toDbTime(filter.until, this.postgres) });
    return qb;
  }

  private column(entity: typeof User, property: string): string {
    return this.dataSource.getMetadata(entity).findColumnWithPropertyName(property)!.databaseName;
  }


  private fromDbTime(value: Date | string | null): Date | null {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value;
    // SQLite keeps UTC text without a zone: 'YYYY-MM-DD HH:MM:SS.SSS'.
    return new Date(`${value.replace(' ', 'T')}Z`);
  }
}
