import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { TranscriptionJob } from './entities/transcription-job.entity';
import { JobStatus, JobTask } from './jobs.enums';
import { JobGroupStats, JobsRepository } from './jobs.repository';
import { QuotaService } from '../gate/quota.service';
import { JobsService } from './jobs.service';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');

function job(overrides: Partial<TranscriptionJob> = {}): TranscriptionJob {
  return Object.assign(new TranscriptionJob(), {
    id: 'a0000000-0000-4000-8000-000000000001',
    jobId: 'b0000000-0000-4000-8000-000000000001',
    userId: 'u1',
    filename: 'a.mp3',
    status: JobStatus.Pending,
    task: JobTask.Translate,
    transcript: null,
    error: null,
    detectedLanguage: null,
    translatedTo: null,
    withDiarization: false,
    createdAt: new Date(NOW - 60_000),
    updatedAt: new Date(NOW - 60_000),
    startedAt: null,
    completedAt: null,
    ...overrides,
  });
}

describe(JobsService.name, () => {
  let sut: JobsService;
  let repo: jest.Mocked<
    Pick<
      JobsRepository,
      | 'findOwned'
      | 'findById'
      | 'findStatus'
      | 'transition'
      | 'groupStats'
      | 'topLanguages'
      | 'lastCreatedAt'
      | 'delete'
    >
  >;

  beforeEach(() => {
    repo = {
      findOwned: jest.fn(),
      findById: jest.fn(),
      findStatus: jest.fn(),
      transition: jest.fn(),
      groupStats: jest.fn(),
      topLanguages: jest.fn(),
      lastCreatedAt: jest.fn(),
      delete: jest.fn(),
    };
    const clock = new Clock();
    jest.spyOn(clock, 'now').mockReturnValue(NOW);
    const quota = { recordJob: jest.fn().mockResolvedValue(undefined), assertJobAllowed: jest.fn() };
    sut = new JobsService(repo as unknown as JobsRepository, clock, quota as unknown as QuotaService, {
      transcriptMaxBytes: 1024,
    });
  });

  describe('update', () => {
    it("completes through one conditional transition from pending or processing, bumping the task's counter", async () => {
      repo.findOwned.mockResolvedValue(job());
      repo.transition.mockResolvedValue(true);
      repo.findById.mockResolvedValue(
        job({ status: JobStatus.Completed, transcript: 'hi', completedAt: new Date(NOW) }),
      );

      const out = await sut.update('u1', 'b0000000-0000-4000-8000-000000000001', {
        status: JobStatus.Completed,
        transcript: 'hi',
      });

      expect(repo.transition).toHaveBeenCalledWith(
        'u1',
        job().id,
        [JobStatus.Pending, JobStatus.Processing],
        JobStatus.Completed,
        { transcript: 'hi', completedAt: new Date(NOW) },
        new Date(NOW),
        'usageTranslations',
      );
      expect(out).toMatchObject({ status: 'completed', transcript: 'hi', completed_at: '2025-06-01T12:00:00.000Z' });
    });

    it('sets started_at on processing and counts no usage', async () => {
      repo.findOwned.mockResolvedValue(job());
      repo.transition.mockResolvedValue(true);
      repo.findById.mockResolvedValue(job({ status: JobStatus.Processing }));
      await sut.update('u1', 'x', { status: JobStatus.Processing });
      expect(repo.transition).toHaveBeenCalledWith(
        'u1',
        job().id,
        [JobStatus.Pending],
        JobStatus.Processing,
        { startedAt: new Date(NOW) },
        new Date(NOW),
        undefined,
      );
    });

    it('refuses a transcript over the cap, counted in bytes of UTF-8, without writing', async () => {
      repo.findOwned.mockResolvedValue(job());
      await expect(
        sut.update('u1', 'x', { status: JobStatus.Completed, transcript: 'é'.repeat(513) }), // 1026 bytes
      ).rejects.toMatchObject({ code: ErrorCode.PayloadTooLarge });
      expect(repo.transition).not.toHaveBeenCalled();
    });

    it('refuses a move the table forbids without writing', async () => {
      repo.findOwned.mockResolvedValue(job({ status: JobStatus.Failed }));
      await expect(sut.update('u1', 'x', { status: JobStatus.Completed })).rejects.toMatchObject({
        code: ErrorCode.InvalidStateTransition,
        options: { extensions: { current_status: 'failed' } },
      });
      expect(repo.transition).not.toHaveBeenCalled();
    });

    it('reports the status that won when the conditional UPDATE matched nothing', async () => {
      repo.findOwned.mockResolvedValue(job());
      repo.transition.mockResolvedValue(false);
      repo.findStatus.mockResolvedValue(JobStatus.Completed);
      const err: AppError = await sut.update('u1', 'x', { status: JobStatus.Failed, error: 'boom' }).catch((e) => e);
      expect(err.code).toBe(ErrorCode.InvalidStateTransition);
      expect(err.detail).toMatch(/^Cannot change a completed job to failed/);
    });

    it("is 404 when the job vanished meanwhile, or is not the caller's", async () => {
      repo.findOwned.mockResolvedValueOnce(job());
      repo.transition.mockResolvedValue(false);
      repo.findStatus.mockResolvedValue(null);
      await expect(sut.update('u1', 'x', { status: JobStatus.Failed })).rejects.toMatchObject({
        code: ErrorCode.NotFound,
      });
      repo.findOwned.mockResolvedValueOnce(null);
      await expect(sut.update('u2', 'x', { status: JobStatus.Failed })).rejects.toMatchObject({
        code: ErrorCode.NotFound,
      });
    });
  });

  describe('stats', () => {
    const group = (
      status: JobStatus,
      task: JobTask,
      count: number,
      extra: Partial<JobGroupStats> = {},
    ): JobGroupStats => ({
      status,
      task,
      count,
      durationSumSeconds: 0,
      durationCount: 0,
      ...extra,
    });

    it('is zeros, a 0 success rate and null averages without jobs', async () => {
      repo.groupStats.mockResolvedValue([]);
      repo.topLanguages.mockResolvedValue([]);
      repo.lastCreatedAt.mockResolvedValue(null);
      expect(await sut.stats('u1')).toEqual({
        total_jobs: 0,
        pending: 0,
        processing: 0,
        completed: 0,
        failed: 0,
        success_rate: 0,
        by_task: { transcribe: 0, translate: 0, tts: 0 },
        languages: {},
        average_duration_seconds: null,
        last_job_at: null,
      });
    });

    it('folds the (status, task) groups: counts, a 4-place success rate, the mean duration of finished jobs only', async () => {
      repo.groupStats.mockResolvedValue([
        group(JobStatus.Completed, JobTask.Transcribe, 1, { durationSumSeconds: 10, durationCount: 1 }),
        group(JobStatus.Failed, JobTask.Tts, 2, { durationSumSeconds: 5.0005, durationCount: 2 }),
        // A running job with a stray completed_at does not count toward the mean.
        group(JobStatus.Processing, JobTask.Tts, 3, { durationSumSeconds: 999, durationCount: 3 }),
        group(JobStatus.Pending, JobTask.Translate, 4),
      ]);
      repo.topLanguages.mockResolvedValue([
        { language: 'en', count: 6 },
        { language: 'de', count: 1 },
      ]);
      repo.lastCreatedAt.mockResolvedValue(new Date('2025-03-01T00:00:00Z'));
      expect(await sut.stats('u1')).toEqual({
        total_jobs: 10,
        pending: 4,
        processing: 3,
        completed: 1,
        failed: 2,
        success_rate: 0.3333,
        by_task: { transcribe: 1, translate: 4, tts: 5 },
        languages: { en: 6, de: 1 },
        average_duration_seconds: 5.0, // 15.0005 / 3 = 5.00016…, 3 places
        last_job_at: '2025-03-01T00:00:00.000Z',
      });
    });
  });
});
