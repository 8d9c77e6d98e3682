import { Injectable } from '@nestjs/common';
import { DataSource, Repository, SelectQueryBuilder } from 'typeorm';
import { atomically, Statement } from '../database/atomic-writes';
import { fromDbTime } from '../database/columns';
import { dialectOf, Dialect } from '../database/dialect';
import { UnitOfWork } from '../database/unit-of-work';
import { UsersRepository } from '../users/users.repository';
import { JobStats } from './entities/job-stats.entity';
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

/** The jobs of one (status, task), from job_stats. */
export interface JobGroupStats {
  status: JobStatus;
  task: JobTask;
  count: number;
  /**
   * Sum of completed_at - created_at in seconds over the group's jobs that have a completed_at, and how many those are.
   */
  durationSumSeconds: number;
  durationCount: number;
}

/** What job_stats needs to know of a job: its group, and its duration once it has a completed_at. */
type StatsView = Pick<TranscriptionJob, 'status' | 'task' | 'detectedLanguage' | 'createdAt' | 'completedAt'>;
/** A transcription_jobs row as the driver returns it (SQLite: times as text). */
interface RawJob {
  status: JobStatus;
  task: JobTask;
  detected_language: string | null;
  created_at: Date | string;
  completed_at: Date | string | null;
}
const RAW_JOB_COLUMNS = '"status", "task", "detected_language", "created_at", "completed_at"';

/** What a transition writes (besides status). */
export type JobChanges = Partial<
  Pick<TranscriptionJob, 'transcript' | 'error' | 'detectedLanguage' | 'translatedTo' | 'startedAt' | 'completedAt'>
>;

type UsageCounter = (typeof USAGE_COUNTER)[JobTask];

const SUMMARY_COLUMNS = [
  'id',
  'jobId',
  'filename',
  'status',
  'task',
  'detectedLanguage',
  'translatedTo',
  'withDiarization',
  'createdAt',
  'completedAt',
].map((c) => `j.${c}`);
export const TOP_LANGUAGES = 20;

/** The queries of the jobs module; rules live in JobsService. */
@Injectable()
export class JobsRepository {
  private readonly repo: Repository<TranscriptionJob>;
  private readonly dialect: Dialect;

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly users: UsersRepository,
  ) {
    this.repo = dataSource.getRepository(TranscriptionJob);
    this.dialect = dialectOf(dataSource);
  }

  /** The job and its count in job_stats, in one transaction. */
  async insert(job: TranscriptionJob): Promise<void> {
    await atomically(this.dataSource, function* (unit) {
      yield* unit.write(unit.em.createQueryBuilder().insert().into(TranscriptionJob).values(job).updateEntity(false));
      yield* unit.write(statsDelta(job.userId, [job, +1]));
    });
  }

  async jobIdTaken(userId: string, jobId: string): Promise<boolean> {
    return this.repo.existsBy({ userId, jobId });
  }

  /**
   * The caller's job whose job_id (or, failing that, row id) is `ref`; null when there is none, which includes another
   * user's job. `summary` loads only what a transition needs. Two lookups, each one index probe ((user_id, job_id)
   * unique, then the primary key): one `job_id = :ref OR id = :ref` query let SQLite's planner scan all of the user's
   * index entries (130–170 ms at 100k jobs).
   */
  async findOwned(userId: string, ref: string, columns: 'all' | 'summary' = 'all'): Promise<TranscriptionJob | null> {
    const lookup = (where: string) => {
      const qb = this.repo.createQueryBuilder('j').where('j.userId = :userId', { userId }).andWhere(where, { ref });
      return (columns === 'summary' ? qb.select(SUMMARY_COLUMNS) : qb).getOne();
    };
    return (await lookup('j.jobId = :ref')) ?? (await lookup('j.id = :ref'));
  }

  async findById(userId: string, id: string): Promise<TranscriptionJob | null> {
    return this.repo.findOneBy({ id, userId });
  }

  async findStatus(userId: string, id: string): Promise<JobStatus | null> {
    const row = await this.repo.findOne({ where: { id, userId }, select: { id: true, status: true } });
    return row?.status ?? null;
  }

  /**
   * A page of summaries, newest first, and the number of jobs matching the filter: summed from job_stats when no
   * time range is given (a few rows however many jobs), else counted in the range (index (user_id, created_at)).
   */
  async list(
    userId: string,
    filter: JobFilter,
    limit: number,
    offset: number,
  ): Promise<{ rows: JobSummaryRow[]; total: number }> {
    const page = this.filtered(userId, filter)
      .select(SUMMARY_COLUMNS)
      .orderBy('j.createdAt', 'DESC')
      .addOrderBy('j.id', 'DESC')
      .limit(limit)
      .offset(offset);
    const count =
      filter.since || filter.until
        ? this.filtered(userId, filter).select('COUNT(*)', 'n')
        : this.statsRows(userId, filter).select('COALESCE(SUM(s.jobs), 0)', 'n');
    const [rows, counted] = await Promise.all([page.getMany(), count.getRawOne<{ n: string | number }>()]);
    return { rows, total: Number(counted?.n ?? 0) };
  }

  /** The job and its count in job_stats, in one transaction; false when there was no such job. */
  async delete(userId: string, id: string): Promise<boolean> {
    return atomically(this.dataSource, function* (unit) {
      const [job] = yield* unit.read<RawJob>({
        sql: `DELETE FROM "transcription_jobs" WHERE "id" = :id AND "user_id" = :userId RETURNING ${RAW_JOB_COLUMNS}`,
        params: { id, userId },
      });
      if (!job) return false;
      yield* unit.write(statsDelta(userId, [fromRaw(job), -1]));
      return true;
    });
  }

  /**
   * The transition as one conditional UPDATE (`status IN (:from)`), so of two concurrent conflicting changes exactly
   * one matches a row. In the same transaction: the job moves from its job_stats group to the new one and, when
   * `usage` is given, the owner's counter is bumped. The row is read first for its old group (locked on Postgres,
   * so the UPDATE that follows sees the status that was read). Returns whether the job changed.
   */
  async transition(
    userId: string,
    id: string,
    from: JobStatus[],
    to: JobStatus,
    changes: JobChanges,
    now: Date,
    usage?: UsageCounter,
  ): Promise<boolean> {
    if (!from.length) return false;
    const { users, dialect } = this;
    return this.uow.run(function* (unit) {
      const lock = dialect.forUpdate;
      const [row] = yield* unit.read<RawJob>({
        sql: `SELECT ${RAW_JOB_COLUMNS} FROM "transcription_jobs" WHERE "id" = :id AND "user_id" = :userId${lock}`,
        params: { id, userId },
      });
      if (!row || !from.includes(row.status)) return false;
      const update = unit.em
        .createQueryBuilder()
        .update(TranscriptionJob)
        .set({ ...changes, status: to, updatedAt: now })
        .where('id = :id AND user_id = :userId AND status IN (:...from)', { id, userId, from });
      if ((yield* unit.write(update)) !== 1) return false;

      const before = fromRaw(row);
      const { detectedLanguage = before.detectedLanguage, completedAt = before.completedAt } = changes;
      yield* unit.write(
        statsDelta(userId, [before, -1], [{ ...before, status: to, detectedLanguage, completedAt }, +1]),
      );
      if (usage) yield* users.countUsage(unit, userId, usage);
      return true;
    });
  }

  /** The user's jobs per (status, task): the job_stats rows, summed over languages. */
  async groupStats(userId: string): Promise<JobGroupStats[]> {
    const rows = await this.statsRows(userId)
      .select('s.status', 'status')
      .addSelect('s.task', 'task')
      .addSelect('SUM(s.jobs)', 'n')
      .addSelect('SUM(s.durationSum)', 'duration_sum')
      .addSelect('SUM(s.durations)', 'duration_n')
      .groupBy('s.status')
      .addGroupBy('s.task')
      .having('SUM(s.jobs) > 0')
      .getRawMany<{
        status: JobStatus;
        task: JobTask;
        n: string | number;
        duration_sum: string | number | null;
        duration_n: string | number;
      }>();
    return rows.map((r) => ({
      status: r.status,
      task: r.task,
      count: Number(r.n),
      durationSumSeconds: Number(r.duration_sum ?? 0),
      durationCount: Number(r.duration_n),
    }));
  }

  /**
   * The most frequent detected languages of the user's jobs (from job_stats; ties in the database's order of the
   * codes).
   */
  async topLanguages(userId: string, limit = TOP_LANGUAGES): Promise<{ language: string; count: number }[]> {
    const rows = await this.statsRows(userId)
      .select('s.language', 'language')
      .addSelect('SUM(s.jobs)', 'n')
      .andWhere("s.language <> ''")
      .groupBy('s.language')
      .having('SUM(s.jobs) > 0')
      .orderBy('SUM(s.jobs)', 'DESC')
      .addOrderBy('s.language', 'ASC')
      .limit(limit)
      .getRawMany<{ language: string; n: string | number }>();
    return rows.map((r) => ({ language: r.language, count: Number(r.n) }));
  }

  /** When the user's newest job was created: one step down the (user_id, created_at) index. */
  async lastCreatedAt(userId: string): Promise<Date | null> {
    const row = await this.repo
      .createQueryBuilder('j')
      .select('j.createdAt', 'created_at')
      .where('j.userId = :userId', { userId })
      .orderBy('j.createdAt', 'DESC')
      .limit(1)
      .getRawOne<{ created_at: Date | string }>();
    return row ? fromDbTime(row.created_at) : null;
  }

  private statsRows(userId: string, filter: Pick<JobFilter, 'status' | 'task'> = {}): SelectQueryBuilder<JobStats> {
    const qb = this.dataSource.getRepository(JobStats).createQueryBuilder('s').where('s.userId = :userId', { userId });
    if (filter.status) qb.andWhere('s.status = :status', { status: filter.status });
    if (filter.task) qb.andWhere('s.task = :task', { task: filter.task });
    return qb;
  }

  private filtered(userId: string, filter: JobFilter): SelectQueryBuilder<TranscriptionJob> {
    const qb = this.repo.createQueryBuilder('j').where('j.userId = :userId', { userId });
    if (filter.status) qb.andWhere('j.status = :status', { status: filter.status });
    if (filter.task) qb.andWhere('j.task = :task', { task: filter.task });
    if (filter.since) qb.andWhere('j.createdAt >= :since', { since: this.dialect.time(filter.since) });
    if (filter.until) qb.andWhere('j.createdAt < :until', { until: this.dialect.time(filter.until) });
    return qb;
  }
}

const fromRaw = (row: RawJob): StatsView => ({
  status: row.status,
  task: row.task,
  detectedLanguage: row.detected_language,
  createdAt: fromDbTime(row.created_at),
  completedAt: fromDbTime(row.completed_at),
});

/**
 * Adds each change — `jobs` +1 or -1, with the job's duration once it has a completed_at — to the job's group in
 * job_stats, in one statement. An upsert: concurrent writers of one group add up; a group's first job creates its
 * row. (Rows are taken in the order given; a transition's old group has a lower status than its new one.)
 */
function statsDelta(userId: string, ...changes: [job: StatsView, jobs: 1 | -1][]): Statement {
  const params: Record<string, unknown> = { userId };
  const rows = changes.map(([job, jobs], i) => {
    const timed = job.completedAt !== null;
    Object.assign(params, {
      [`status${i}`]: job.status,
      [`task${i}`]: job.task,
      [`language${i}`]: job.detectedLanguage ?? '',
      [`jobs${i}`]: jobs,
      [`durationSum${i}`]: timed ? (jobs * (job.completedAt!.getTime() - job.createdAt.getTime())) / 1000 : 0,
      [`durations${i}`]: timed ? jobs : 0,
    });
    return `(:userId, :status${i}, :task${i}, :language${i}, :jobs${i}, :durationSum${i}, :durations${i})`;
  });
  return {
    sql: `INSERT INTO "job_stats" ("user_id", "status", "task", "language", "jobs", "duration_sum", "durations")
      VALUES ${rows.join(', ')}
      ON CONFLICT ("user_id", "status", "task", "language") DO UPDATE SET
        "jobs" = "job_stats"."jobs" + excluded."jobs",
        "duration_sum" = "job_stats"."duration_sum" + excluded."duration_sum",
        "durations" = "job_stats"."durations" + excluded."durations"`,
    params,
  };
}
