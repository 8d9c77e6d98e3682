import { randomUUID } from 'node:crypto';
import { TranscriptionJob } from '../../src/jobs/entities/transcription-job.entity';
import { JobStatus, JobTask } from '../../src/jobs/jobs.enums';
import { JobsRepository } from '../../src/jobs/jobs.repository';
import { User } from '../../src/users/entities/user.entity';
import { createTestApp, TestApp } from '../app.factory';
import { createUser, TestUser } from '../factories/user.factory';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const SUMMARY_KEYS = [
  'completed_at',
  'created_at',
  'detected_language',
  'filename',
  'id',
  'job_id',
  'status',
  'task',
  'translated_to',
  'with_diarization',
];
const { Pending, Processing, Completed, Failed } = JobStatus;

interface Job {
  id: string;
  job_id: string;
  filename: string;
  status: JobStatus;
  task: JobTask;
  detected_language: string | null;
  translated_to: string | null;
  with_diarization: boolean;
  created_at: string;
  completed_at: string | null;
  transcript?: string | null;
  error?: string | null;
  started_at?: string | null;
  updated_at?: string;
}

describe('Jobs (/jobs/)', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  // The injected clock, frozen: timestamps are exact, and `tick` moves time without waiting.
  let frozen = Date.now();
  const tick = (ms: number) => void (frozen += ms);

  beforeAll(async () => {
    t = await createTestApp();
    jest.spyOn(t.clock, 'now').mockImplementation(() => frozen);
    [alice, bob] = await Promise.all([createUser(t), createUser(t)]);
  });

  afterAll(async () => {
    await t?.close();
  });

  const createJob = async (user: TestUser, body: Record<string, unknown> = {}): Promise<Job> => {
    const res = await t.http
      .post('/jobs/')
      .set(user.auth)
      .send({ filename: 'audio.mp3', ...body });
    expect(res.status).toBe(201);
    return res.body as Job;
  };
  const patch = (user: TestUser, ref: string, body: Record<string, unknown>) =>
    t.http.patch(`/jobs/${ref}`).set(user.auth).send(body);
  const moveTo = async (
    user: TestUser,
    job: Job,
    path: JobStatus[],
    extra: Record<string, unknown> = {},
  ): Promise<Job> => {
    let last = job;
    for (const status of path) {
      const res = await patch(user, job.job_id, { status, ...extra });
      expect(res.status).toBe(200);
      last = res.body as Job;
    }
    return last;
  };
  const usage = async (userId: string) =>
    t.dataSource.getRepository(User).findOneOrFail({
      where: { id: userId },
      select: { id: true, usageTranscriptions: true, usageTranslations: true, usageTts: true, updatedAt: true },
    });
  const listIds = (res: { body: Job[] }) => res.body.map((j) => j.job_id);

  describe('seed 000 examples (Bearer)', () => {
    let user: TestUser;
    let done: Job;
    let waiting: Job;

    beforeAll(async () => {
      user = await createUser(t);
      done = await createJob(user, { filename: 'interview.wav', detected_language: 'en' });
      await moveTo(user, done, [Processing, Completed], { transcript: 'Hello world.' });
      tick(1000);
      waiting = await createJob(user, { filename: 'lecture.mp3' });
    });

    it('curl http://localhost:8000/jobs/ -H "Authorization: Bearer eyJ..."', async () => {
      const res = await t.http.get('/jobs/').set('Authorization', `Bearer ${user.accessToken}`);
      expect(res.status).toBe(200);
      expect(res.headers['x-total-count']).toBe('2');
      expect(listIds(res)).toEqual([waiting.job_id, done.job_id]);
      expect(res.body[1]).toEqual({
        id: done.id,
        job_id: done.job_id,
        filename: 'interview.wav',
        status: 'completed',
        task: 'transcribe',
        detected_language: 'en',
        translated_to: null,
        with_diarization: false,
        created_at: expect.stringMatching(ISO),
        completed_at: expect.stringMatching(ISO),
      });
    });

    it('curl http://localhost:8000/jobs/?status_filter=completed -H "Authorization: Bearer eyJ..."', async () => {
      const res = await t.http.get('/jobs/?status_filter=completed').set(user.auth);
      expect(res.status).toBe(200);
      expect(res.headers['x-total-count']).toBe('1');
      expect(listIds(res)).toEqual([done.job_id]);
      expect(Object.keys(res.body[0]).sort()).toEqual(SUMMARY_KEYS);
    });

    it('curl http://localhost:8000/jobs/stats/summary -H "Authorization: Bearer eyJ..."', async () => {
      const res = await t.http.get('/jobs/stats/summary').set(user.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        total_jobs: 2,
        pending: 1,
        processing: 0,
        completed: 1,
        failed: 0,
        success_rate: 1,
      });
    });

    it('answers the same under /api and with or without a trailing slash', async () => {
      for (const path of ['/jobs', '/api/jobs/', '/api/jobs']) {
        const res = await t.http.get(`${path}?status_filter=pending`).set(user.auth);
        expect(res.status).toBe(200);
        expect(listIds(res)).toEqual([waiting.job_id]);
      }
      for (const path of ['/jobs/stats/summary/', '/api/jobs/stats/summary'])
        expect((await t.http.get(path).set(user.auth)).body.total_jobs).toBe(2);
    });

    it('is not captured by /jobs/{job_id}: /jobs/stats alone is a malformed id (404)', async () => {
      expect((await t.http.get('/jobs/stats').set(user.auth)).status).toBe(404);
    });
  });

  describe('POST /jobs/', () => {
    it('creates a pending job with the defaults and a generated job_id', async () => {
      const before = t.clock.date().toISOString();
      const res = await t.http.post('/jobs/').set(alice.auth).send({ filename: '  talk.m4a  ' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        job_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        filename: 'talk.m4a',
        status: 'pending',
        task: 'transcribe',
        detected_language: null,
        translated_to: null,
        with_diarization: false,
        created_at: before,
        completed_at: null,
        transcript: null,
        error: null,
        started_at: null,
        updated_at: before,
      });
      expect(res.body.id).not.toBe(res.body.job_id);
    });

    it('keeps a given job_id (lower-cased), task and metadata', async () => {
      const jobId = randomUUID();
      const job = await createJob(alice, {
        job_id: jobId.toUpperCase(),
        task: 'translate',
        with_diarization: true,
        translated_to: 'de',
        detected_language: 'en',
      });
      expect(job).toMatchObject({
        job_id: jobId,
        task: 'translate',
        with_diarization: true,
        translated_to: 'de',
        detected_language: 'en',
        status: 'pending',
      });
      expect((await t.http.get(`/jobs/${jobId}`).set(alice.auth)).body).toEqual(job);
    });

    it('refuses a job_id the same user already has (409) but not one another user has', async () => {
      const jobId = randomUUID();
      await createJob(alice, { job_id: jobId });
      const dup = await t.http.post('/jobs/').set(alice.auth).send({ filename: 'again.mp3', job_id: jobId });
      expect(dup.status).toBe(409);
      expect(dup.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(dup.body).toMatchObject({ status: 409, code: 'CONFLICT', detail: expect.stringContaining(jobId) });
      const other = await createJob(bob, { job_id: jobId });
      expect(other.job_id).toBe(jobId);
      expect((await t.http.get(`/jobs/${jobId}`).set(alice.auth)).body.filename).toBe('audio.mp3');
      expect((await t.http.get(`/jobs/${jobId}`).set(bob.auth)).body.id).toBe(other.id);
    });

    it('of parallel creations with one job_id, exactly one succeeds', async () => {
      const jobId = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          t.http
            .post('/jobs/')
            .set(alice.auth)
            .send({ filename: `race${i}.mp3`, job_id: jobId }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      expect(await t.dataSource.getRepository(TranscriptionJob).countBy({ userId: alice.id, jobId })).toBe(1);
    });

    it.each([
      ['no filename', {}, 'filename'],
      ['an empty filename', { filename: '   ' }, 'filename'],
      ['a 256-character filename', { filename: 'x'.repeat(256) }, 'filename'],
      ['a filename that is not a string', { filename: 42 }, 'filename'],
      ['a malformed job_id', { filename: 'a.mp3', job_id: 'job-1' }, 'job_id'],
      ['an unknown task', { filename: 'a.mp3', task: 'summarize' }, 'task'],
      ['a non-boolean with_diarization', { filename: 'a.mp3', with_diarization: 'yes' }, 'with_diarization'],
      [
        'a language code too long for the column',
        { filename: 'a.mp3', detected_language: 'x'.repeat(17) },
        'detected_language',
      ],
      ['a language code with spaces', { filename: 'a.mp3', translated_to: 'en us' }, 'translated_to'],
      ['a status (jobs start pending)', { filename: 'a.mp3', status: 'completed' }, 'status'],
      ['an unknown field', { filename: 'a.mp3', owner_id: randomUUID() }, 'owner_id'],
    ])('refuses %s: 422 naming the field', async (_, body, field) => {
      const res = await t.http.post('/jobs/').set(alice.auth).send(body);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('accepts a 255-character filename and a Whisper language name', async () => {
      const job = await createJob(alice, { filename: 'é'.repeat(255), detected_language: 'english' });
      expect(job.filename).toBe('é'.repeat(255));
      expect(job.detected_language).toBe('english');
    });

    it('answers 400 to a malformed JSON body', async () => {
      const res = await t.http
        .post('/jobs/')
        .set(alice.auth)
        .set('Content-Type', 'application/json')
        .send('{"filename": ');
      expect(res.status).toBe(400);
    });
  });

  describe('GET /jobs/ (list)', () => {
    let user: TestUser;
    const jobs: Job[] = [];
    let t0: number;

    beforeAll(async () => {
      user = await createUser(t);
      t0 = t.clock.now();
      const specs: [JobTask, JobStatus[]][] = [
        [JobTask.Transcribe, [Completed]],
        [JobTask.Translate, [Processing]],
        [JobTask.Tts, [Failed]],
        [JobTask.Transcribe, []],
        [JobTask.Translate, [Processing, Completed]],
        [JobTask.Transcribe, [Completed]],
      ];
      for (const [task, path] of specs) {
        const job = await createJob(user, { task, filename: `f${jobs.length}.mp3` });
        await moveTo(user, job, path, { transcript: 'secret words of the transcript' });
        jobs.push(job);
        tick(1000);
      }
      await createJob(bob, { filename: 'bob.mp3' });
    });

    const newestFirst = () => [...jobs].reverse().map((j) => j.job_id);

    it("lists only the caller's jobs, newest first, with X-Total-Count", async () => {
      const res = await t.http.get('/jobs/').set(user.auth);
      expect(res.status).toBe(200);
      expect(res.headers['x-total-count']).toBe('6');
      expect(listIds(res)).toEqual(newestFirst());
    });

    it('never sends or loads transcripts', async () => {
      const queries: string[] = [];
      const spy = jest.spyOn(t.dataSource.logger, 'logQuery').mockImplementation((q: string) => void queries.push(q));
      try {
        const res = await t.http.get('/jobs/').set(user.auth);
        expect(res.status).toBe(200);
        for (const job of res.body) expect(Object.keys(job).sort()).toEqual(SUMMARY_KEYS);
        expect(res.text).not.toContain('secret words');
      } finally {
        spy.mockRestore();
      }
      // The page is the only statement on transcription_jobs; the total comes from job_stats.
      const jobQueries = queries.filter((q) => q.includes('transcription_jobs'));
      expect(jobQueries).toHaveLength(1);
      expect(jobQueries[0]).not.toMatch(/transcript"|transcript\b(?!ion)/);
      expect(queries.filter((q) => q.includes('job_stats'))).toHaveLength(1);
    });

    // Through the repository's insert (which keeps job_stats), with created_at of the test's choosing.
    const insertJobs = async (userId: string, createdAt: (i: number) => Date, n: number) => {
      const repo = t.dataSource.getRepository(TranscriptionJob);
      const rows = Array.from({ length: n }, (_, i) =>
        repo.create({
          id: randomUUID(),
          jobId: randomUUID(),
          userId,
          filename: `bulk${i}.mp3`,
          status: Pending,
          task: JobTask.Transcribe,
          transcript: null,
          error: null,
          detectedLanguage: null,
          translatedTo: null,
          withDiarization: false,
          createdAt: createdAt(i),
          updatedAt: createdAt(i),
          startedAt: null,
          completedAt: null,
        }),
      );
      for (const row of rows) await t.get(JobsRepository).insert(row);
      return rows;
    };

    it('breaks created_at ties by id (descending), so pages never overlap', async () => {
      const u = await createUser(t);
      const at = t.clock.date();
      const rows = await insertJobs(u.id, () => at, 5);
      const expected = rows
        .map((r) => r.id)
        .sort()
        .reverse();
      const all = await t.http.get('/jobs/').set(u.auth);
      expect(all.body.map((j: Job) => j.id)).toEqual(expected);
      const pages = await Promise.all(
        [0, 1, 2, 3, 4].map((offset) => t.http.get(`/jobs/?limit=1&offset=${offset}`).set(u.auth)),
      );
      expect(pages.flatMap((p) => p.body.map((j: Job) => j.id))).toEqual(expected);
    });

    it('pages with limit and offset; the total counts every match', async () => {
      const page1 = await t.http.get('/jobs/?limit=4').set(user.auth);
      const page2 = await t.http.get('/jobs/?limit=4&offset=4').set(user.auth);
      const beyond = await t.http.get('/jobs/?offset=100').set(user.auth);
      expect(listIds(page1)).toEqual(newestFirst().slice(0, 4));
      expect(listIds(page2)).toEqual(newestFirst().slice(4));
      expect(beyond.body).toEqual([]);
      for (const res of [page1, page2, beyond]) expect(res.headers['x-total-count']).toBe('6');
      expect((await t.http.get('/jobs/?limit=100&offset=0').set(user.auth)).body).toHaveLength(6);
    });

    it('defaults to 50 per page', async () => {
      const u = await createUser(t);
      const now = t.clock.now();
      await insertJobs(u.id, (i) => new Date(now + i), 55);
      const res = await t.http.get('/jobs/').set(u.auth);
      expect(res.body).toHaveLength(50);
      expect(res.headers['x-total-count']).toBe('55');
      expect(res.body[0].filename).toBe('bulk54.mp3');
      expect(res.body[49].filename).toBe('bulk5.mp3');
    });

    it('filters by status, task, and creation time (since inclusive, until exclusive), combined', async () => {
      const ids = (q: string) => t.http.get(`/jobs/?${q}`).set(user.auth);
      const byStatus = await ids('status_filter=completed');
      expect(listIds(byStatus)).toEqual([jobs[5], jobs[4], jobs[0]].map((j) => j.job_id));
      expect(byStatus.headers['x-total-count']).toBe('3');
      expect(listIds(await ids('task=translate'))).toEqual([jobs[4], jobs[1]].map((j) => j.job_id));
      expect(listIds(await ids('task=transcribe&status_filter=completed'))).toEqual(
        [jobs[5], jobs[0]].map((j) => j.job_id),
      );
      expect(listIds(await ids('status_filter=processing'))).toEqual([jobs[1].job_id]);

      const at = (i: number) => new Date(t0 + i * 1000).toISOString();
      expect(listIds(await ids(`since=${at(2)}`))).toEqual([jobs[5], jobs[4], jobs[3], jobs[2]].map((j) => j.job_id));
      expect(listIds(await ids(`until=${at(2)}`))).toEqual([jobs[1], jobs[0]].map((j) => j.job_id));
      const window = await ids(`since=${at(1)}&until=${at(4)}&task=transcribe`);
      expect(listIds(window)).toEqual([jobs[3].job_id]);
      expect(window.headers['x-total-count']).toBe('1');
      // An offset is honoured (encoded "+", or a "+" that arrived as a space); no offset means UTC.
      const plus = new Date(t0 + 2 * 1000 + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      expect(listIds(await ids(`since=${encodeURIComponent(plus)}`))).toHaveLength(4);
      expect(listIds(await ids(`since=${plus}`))).toHaveLength(4);
      expect(listIds(await ids(`since=${at(2).replace('Z', '')}`))).toHaveLength(4);
      expect(listIds(await ids('since=2000-01-01&until=2000-01-02'))).toEqual([]);
    });

    it.each([
      ['status_filter=done', 'status_filter'],
      ['status_filter=', 'status_filter'],
      ['status_filter=COMPLETED', 'status_filter'],
      ['task=summarize', 'task'],
      ['since=yesterday', 'since'],
      ['since=2025-02-30', 'since'],
      ['since=2025-W01', 'since'],
      ['since=1738281600', 'since'],
      ['until=not-a-date', 'until'],
      ['until=2025-01-31T25:00:00Z', 'until'],
      ['since=2025-02-01&until=2025-01-01', 'until'],
      ['since=2025-01-01&until=2025-01-01', 'until'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=', 'limit'],
      ['limit=10&limit=20', 'limit'],
      ['offset=-1', 'offset'],
      ['offset=abc', 'offset'],
      ['offset=99999999999999', 'offset'],
      ['page=2', 'page'],
      ['user_id=x', 'user_id'],
    ])('?%s → 422 naming %s', async (query, field) => {
      const res = await t.http.get(`/jobs/?${query}`).set(user.auth);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 422, code: 'VALIDATION_FAILED', detail: expect.any(String) });
      expect(res.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
    });

    it('reports every invalid parameter at once', async () => {
      const res = await t.http
        .get('/jobs/?status_filter=x&task=y&limit=0&offset=-1&since=z&until=w&foo=1')
        .set(user.auth);
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'foo',
        'limit',
        'offset',
        'since',
        'status_filter',
        'task',
        'until',
      ]);
    });
  });

  describe('PATCH /jobs/{job_id} (status transitions)', () => {
    // How to bring a fresh (pending) job into each status.
    const reach: Record<JobStatus, JobStatus[]> = {
      pending: [],
      processing: [Processing],
      completed: [Completed],
      failed: [Failed],
    };
    const allowed: Record<JobStatus, JobStatus[]> = {
      pending: [Processing, Completed, Failed],
      processing: [Completed, Failed],
      completed: [],
      failed: [],
    };
    const pairs = Object.values(JobStatus).flatMap((from) =>
      Object.values(JobStatus).map((to) => [from, to, allowed[from].includes(to)] as const),
    );

    it.each(pairs)('%s → %s allowed: %s', async (from, to, ok) => {
      const job = await moveTo(alice, await createJob(alice), reach[from]);
      expect(job.status).toBe(from);
      const res = await patch(alice, job.job_id, { status: to });
      const after = (await t.http.get(`/jobs/${job.job_id}`).set(alice.auth)).body as Job;
      if (ok) {
        expect(res.status).toBe(200);
        expect(res.body.status).toBe(to);
        expect(after).toEqual(res.body);
      } else {
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          status: 409,
          code: 'INVALID_STATE_TRANSITION',
          current_status: from,
          detail: expect.stringContaining(`${from} job to ${to}`),
        });
        expect(after).toEqual(job);
      }
    });

    it('sets started_at on processing and completed_at on completion, from the injected clock', async () => {
      const job = await createJob(alice);
      tick(5_000);
      const processing = await moveTo(alice, job, [Processing]);
      expect(processing.started_at).toBe(t.clock.date().toISOString());
      expect(processing.completed_at).toBeNull();
      tick(7_000);
      const done = await moveTo(alice, job, [Completed], { transcript: 'Bonjour.', detected_language: 'fr' });
      expect(done).toMatchObject({
        status: 'completed',
        transcript: 'Bonjour.',
        detected_language: 'fr',
        started_at: processing.started_at,
        completed_at: t.clock.date().toISOString(),
      });
      expect(done.updated_at).toBe(done.completed_at);
      expect(done.created_at).toBe(job.created_at);

      const failing = await createJob(alice, { detected_language: 'en' });
      tick(3_000);
      const failed = await moveTo(alice, failing, [Failed], { error: 'decoder crashed', detected_language: null });
      expect(failed).toMatchObject({
        status: 'failed',
        error: 'decoder crashed',
        detected_language: null,
        started_at: null,
        completed_at: t.clock.date().toISOString(),
      });
    });

    it("bumps the usage counter of the job's task on completion only, leaving users.updated_at alone", async () => {
      const u = await createUser(t);
      const before = await usage(u.id);
      const complete = async (task: JobTask) => moveTo(u, await createJob(u, { task }), [Processing, Completed]);
      await complete(JobTask.Transcribe);
      await complete(JobTask.Transcribe);
      await complete(JobTask.Translate);
      await complete(JobTask.Tts);
      await moveTo(u, await createJob(u, { task: JobTask.Tts }), [Failed]);
      await moveTo(u, await createJob(u, { task: JobTask.Translate }), [Processing]);
      const after = await usage(u.id);
      expect([after.usageTranscriptions, after.usageTranslations, after.usageTts]).toEqual([2, 1, 1]);
      expect(after.updatedAt.getTime()).toBe(before.updatedAt.getTime());
    });

    it('lets exactly one of two parallel conflicting changes win, and counts usage once (repeated 10 times)', async () => {
      const u = await createUser(t);
      const outcomes: string[] = [];
      for (let i = 0; i < 10; i++) {
        const job = await createJob(u);
        const [completed, failed] = await Promise.all([
          patch(u, job.job_id, { status: Completed, transcript: 'ok' }),
          patch(u, job.job_id, { status: Failed, error: 'boom' }),
        ]);
        expect([completed.status, failed.status].sort()).toEqual([200, 409]);
        const winner = completed.status === 200 ? completed : failed;
        const loser = completed.status === 200 ? failed : completed;
        expect(loser.body.code).toBe('INVALID_STATE_TRANSITION');
        const stored = (await t.http.get(`/jobs/${job.job_id}`).set(u.auth)).body as Job;
        expect(stored).toEqual(winner.body);
        expect(
          stored.status === Completed ? [stored.transcript, stored.error] : [stored.error, stored.transcript],
        ).toEqual(stored.status === Completed ? ['ok', null] : ['boom', null]);
        outcomes.push(stored.status);
      }
      const completedCount = outcomes.filter((s) => s === Completed).length;
      expect((await usage(u.id)).usageTranscriptions).toBe(completedCount);
    });

    it('of five parallel completions of one job, one wins and usage grows by one', async () => {
      const u = await createUser(t);
      const job = await createJob(u, { task: JobTask.Translate });
      const results = await Promise.all(Array.from({ length: 5 }, () => patch(u, job.job_id, { status: Completed })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
      expect((await usage(u.id)).usageTranslations).toBe(1);
    });

    it('accepts the row id in the path as well as job_id', async () => {
      const job = await createJob(alice);
      const res = await patch(alice, job.id, { status: Processing });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: job.id, job_id: job.job_id, status: 'processing' });
    });

    it.each([
      ['no status', {}, 'status'],
      ['an unknown status', { status: 'done' }, 'status'],
      ['a non-string transcript', { status: 'completed', transcript: 42 }, 'transcript'],
      ['a bad language code', { status: 'completed', detected_language: '??' }, 'detected_language'],
      ['a field that cannot be patched', { status: 'completed', filename: 'other.mp3' }, 'filename'],
      ['a task change', { status: 'completed', task: 'tts' }, 'task'],
    ])('refuses %s: 422 and the job is unchanged', async (_, body, field) => {
      const job = await createJob(alice);
      const res = await patch(alice, job.job_id, body);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect((await t.http.get(`/jobs/${job.job_id}`).set(alice.auth)).body).toEqual(job);
    });

    it('stores and returns a 3 MB transcript without truncation', async () => {
      const unit = 'Grüße, 世界! 🎙️ The quick brown fox jumps over the lazy dog.\n';
      const transcript = unit.repeat(Math.ceil((3 * 1024 * 1024) / Buffer.byteLength(unit)));
      expect(Buffer.byteLength(transcript)).toBeGreaterThanOrEqual(3 * 1024 * 1024);
      const job = await createJob(alice);
      const res = await patch(alice, job.job_id, { status: Completed, transcript });
      expect(res.status).toBe(200);
      expect(res.body.transcript).toBe(transcript);
      const got = await t.http.get(`/jobs/${job.job_id}`).set(alice.auth);
      expect(got.status).toBe(200);
      expect(got.body.transcript.length).toBe(transcript.length);
      expect(got.body.transcript).toBe(transcript);
      const list = await t.http.get('/jobs/?limit=1').set(alice.auth);
      expect(list.text.length).toBeLessThan(2000);
    });

    it('keeps transcript and error as the last columns of the SQLite table (so summaries never walk a transcript)', async () => {
      if (t.driver !== 'sqlite') return; // Postgres stores large values out of line (TOAST)
      const columns: { name: string }[] = await t.dataSource.query('PRAGMA table_info("transcription_jobs")');
      expect(columns.map((c) => c.name).slice(-2)).toEqual(['transcript', 'error']);
    });

    it('works with the personal API key (a speech worker) as with a JWT', async () => {
      const created = await t.http
        .post('/jobs/')
        .set('X-API-Key', alice.apiKey)
        .send({ filename: 'worker.flac', task: 'tts' });
      expect(created.status).toBe(201);
      const started = await t.http
        .patch(`/jobs/${created.body.job_id}`)
        .set('X-API-Key', alice.apiKey)
        .send({ status: 'processing' });
      expect(started.status).toBe(200);
      const seen = await t.http.get(`/jobs/${created.body.job_id}`).set(alice.auth);
      expect(seen.body.status).toBe('processing');
      const list = await t.http.get('/jobs/?task=tts&status_filter=processing').set('X-API-Key', alice.apiKey);
      expect(listIds(list)).toContain(created.body.job_id);
    });
  });

  describe('GET /jobs/stats/summary', () => {
    it('is all zeros for a user without jobs', async () => {
      const u = await createUser(t);
      await createJob(bob);
      const res = await t.http.get('/jobs/stats/summary').set(u.auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
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

    it('computes every number for a known mix of statuses, tasks, languages and durations', async () => {
      const u = await createUser(t);
      // [task, language, final path, seconds from creation to the final change]
      const mix: [JobTask, string | null, JobStatus[], number][] = [
        [JobTask.Transcribe, 'en', [Processing, Completed], 10],
        [JobTask.Transcribe, 'en', [Completed], 20],
        [JobTask.Transcribe, 'de', [Failed], 30],
        [JobTask.Translate, 'en', [Processing, Completed], 40],
        [JobTask.Translate, 'fr', [Processing, Completed], 50],
        [JobTask.Translate, null, [Processing, Failed], 60],
        [JobTask.Tts, 'de', [Completed], 70],
        [JobTask.Tts, null, [Processing], 80],
        [JobTask.Tts, 'en', [], 0],
        [JobTask.Transcribe, 'en', [], 0],
      ];
      let last = '';
      for (const [task, language, path, seconds] of mix) {
        const job = await createJob(u, { task, detected_language: language });
        last = job.created_at;
        if (path.length > 1) await moveTo(u, job, path.slice(0, -1));
        tick(seconds * 1000);
        if (path.length) await moveTo(u, job, path.slice(-1));
        tick(1000);
      }
      await createJob(bob, { detected_language: 'it' });
      const res = await t.http.get('/jobs/stats/summary').set(u.auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        total_jobs: 10,
        pending: 2,
        processing: 1,
        completed: 5,
        failed: 2,
        success_rate: 0.7143, // 5 / 7
        by_task: { transcribe: 4, translate: 3, tts: 3 },
        languages: { en: 5, de: 2, fr: 1 },
        average_duration_seconds: 40, // (10+20+30+40+50+60+70) / 7
        last_job_at: last,
      });
      expect(Object.keys(res.body.languages)).toEqual(['en', 'de', 'fr']);
    });

    it('rounds success_rate to 4 places and keeps only the 20 most frequent languages', async () => {
      const u = await createUser(t);
      const languages = Array.from({ length: 22 }, (_, i) => `l${String(i).padStart(2, '0')}`);
      // l00 twice, l01..l21 once: l00 first, then the rest by name.
      for (const language of [languages[0], ...languages]) await createJob(u, { detected_language: language });
      const jobs = (await t.http.get('/jobs/?limit=100').set(u.auth)).body as Job[];
      await moveTo(u, jobs[0], [Completed]);
      await moveTo(u, jobs[1], [Failed]);
      await moveTo(u, jobs[2], [Failed]);
      const res = await t.http.get('/jobs/stats/summary').set(u.auth);
      expect(res.body.success_rate).toBe(0.3333);
      expect(Object.keys(res.body.languages)).toEqual(languages.slice(0, 20));
      expect(res.body.languages.l00).toBe(2);
    });

    it('is documented in OpenAPI with success_rate as a 0..1 fraction', async () => {
      const doc = (await t.http.get('/openapi.json')).body;
      const op = doc.paths['/jobs/stats/summary'].get;
      expect(op.tags).toEqual(['jobs']);
      expect(op.description).toMatch(/fraction 0\.\.1 rounded to 4 places/);
      expect(doc.components.schemas.JobStatsDto.properties.success_rate.description).toMatch(/fraction from 0 to 1/);
      for (const path of ['/jobs', '/jobs/{job_id}'])
        for (const op of Object.values(doc.paths[path]) as { security?: unknown[]; tags: string[] }[]) {
          expect(op.tags).toEqual(['jobs']);
          expect(op.security).toEqual(
            expect.arrayContaining([{ 'api-key': [expect.stringMatching(/^jobs:(read|write)$/)] }]),
          );
        }
      expect(doc.paths['/jobs'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
        'limit',
        'offset',
        'since',
        'status_filter',
        'task',
        'until',
      ]);
    });
  });

  describe('GET and DELETE /jobs/{job_id}', () => {
    it('returns the job with its transcript; deletes it (204), after which it is gone everywhere', async () => {
      const job = await moveTo(alice, await createJob(alice, { filename: 'gone.mp3' }), [Completed], {
        transcript: 'bye',
      });
      const got = await t.http.get(`/jobs/${job.job_id}`).set(alice.auth);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(job);
      expect((await t.http.get(`/jobs/${job.id}`).set(alice.auth)).body).toEqual(job);

      const del = await t.http.delete(`/jobs/${job.job_id}`).set(alice.auth);
      expect(del.status).toBe(204);
      expect(del.text).toBe('');
      expect((await t.http.get(`/jobs/${job.job_id}`).set(alice.auth)).status).toBe(404);
      expect((await t.http.delete(`/jobs/${job.job_id}`).set(alice.auth)).status).toBe(404);
      expect((await patch(alice, job.job_id, { status: Failed })).status).toBe(404);
      expect(listIds(await t.http.get('/jobs/?limit=100').set(alice.auth))).not.toContain(job.job_id);
    });

    it("answers 404 for another user's job on GET, PATCH and DELETE, and leaves it alone", async () => {
      const bobs = await createJob(bob, { filename: 'bob-private.mp3' });
      for (const ref of [bobs.job_id, bobs.id]) {
        for (const res of [
          await t.http.get(`/jobs/${ref}`).set(alice.auth),
          await patch(alice, ref, { status: Completed }),
          await t.http.delete(`/jobs/${ref}`).set(alice.auth),
          await t.http.get(`/jobs/${ref}`).set('X-API-Key', alice.apiKey),
        ]) {
          expect(res.status).toBe(404);
          expect(res.body).toMatchObject({ code: 'NOT_FOUND', detail: 'Job not found' });
          expect(res.text).not.toContain('bob-private');
        }
      }
      expect((await t.http.get(`/jobs/${bobs.job_id}`).set(bob.auth)).body).toEqual(bobs);
      expect(listIds(await t.http.get('/jobs/?limit=100').set(alice.auth))).not.toContain(bobs.job_id);
    });

    it.each(['not-a-uuid', '123', `${randomUUID()}x`, randomUUID().replace(/-/g, ''), '%20'])(
      'answers 404 for the malformed id %s',
      async (ref) => {
        for (const res of [
          await t.http.get(`/jobs/${ref}`).set(alice.auth),
          await patch(alice, ref, { status: Completed }),
          await t.http.delete(`/jobs/${ref}`).set(alice.auth),
        ]) {
          expect(res.status).toBe(404);
          expect(res.body.code).toBe('NOT_FOUND');
        }
      },
    );

    it('answers 404 for a well-formed id that names no job', async () => {
      const ref = randomUUID();
      expect((await t.http.get(`/jobs/${ref}`).set(alice.auth)).status).toBe(404);
      expect((await patch(alice, ref, { status: Completed })).status).toBe(404);
      expect((await t.http.delete(`/jobs/${ref}`).set(alice.auth)).status).toBe(404);
    });
  });

  it('answers 401 without credentials on every route, before looking at the body or the id', async () => {
    const job = await createJob(alice);
    const calls = [
      t.http.post('/jobs/').send({}),
      t.http.get('/jobs/'),
      t.http.get('/jobs/?limit=0'),
      t.http.get('/jobs/stats/summary'),
      t.http.get(`/jobs/${job.job_id}`),
      t.http.patch(`/jobs/${job.job_id}`).send({ status: 'completed' }),
      t.http.delete(`/jobs/${job.job_id}`),
      t.http.get('/jobs/not-a-uuid'),
      t.http.get('/jobs/').set('Authorization', 'Bearer not-a-token'),
      t.http.get('/jobs/').set('X-API-Key', 'tk_not_a_real_key'),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect((await t.http.get(`/jobs/${job.job_id}`).set(alice.auth)).body).toEqual(job);
  });
});
