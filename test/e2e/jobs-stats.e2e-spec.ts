import { randomUUID } from 'node:crypto';
import { toDbTime } from '../../src/database/columns';
import { JobStatsDto } from '../../src/jobs/dto/job-response.dto';
import { JobStats } from '../../src/jobs/entities/job-stats.entity';
import { TranscriptionJob } from '../../src/jobs/entities/transcription-job.entity';
import { JobStatus, JobTask } from '../../src/jobs/jobs.enums';
import { TOP_LANGUAGES } from '../../src/jobs/jobs.repository';
import { canTransition, isFinal } from '../../src/jobs/jobs.transitions';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';

/**
 * Issue #14: the stats and the list's X-Total-Count come from job_stats, running totals that every job write keeps
 * in its own transaction. These tests hold them against the jobs themselves: after random sequences of writes,
 * under parallel writes, after a user is deleted; and check which statements the read routes send.
 */
describe('job statistics (job_stats) stay equal to the jobs', () => {
  let t: TestApp;
  // The injected clock, frozen: durations are exact, and `tick` moves time without waiting.
  let frozen = Date.now();
  const tick = (ms: number) => void (frozen += ms);

  beforeAll(async () => {
    t = await createTestApp();
    jest.spyOn(t.clock, 'now').mockImplementation(() => frozen);
  });
  afterAll(() => t?.close());

  const postgres = () => t.driver === 'postgres';
  const jobs = () => t.dataSource.getRepository(TranscriptionJob);
  const seconds = () =>
    postgres()
      ? 'EXTRACT(EPOCH FROM (j.completed_at - j.created_at))'
      : '(julianday(j.completed_at) - julianday(j.created_at)) * 86400.0';
  const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

  /** The stats as the route computed them before job_stats: GROUP BYs over the user's jobs. */
  async function statsFromJobs(userId: string): Promise<JobStatsDto> {
    const groups = await jobs()
      .createQueryBuilder('j')
      .select('j.status', 'status')
      .addSelect('j.task', 'task')
      .addSelect('COUNT(*)', 'n')
      .addSelect(`SUM(${seconds()})`, 'duration_sum')
      .addSelect('COUNT(j.completed_at)', 'duration_n')
      .where('j.userId = :userId', { userId })
      .groupBy('j.status')
      .addGroupBy('j.task')
      .getRawMany<{
        status: JobStatus;
        task: JobTask;
        n: string | number;
        duration_sum: string | number | null;
        duration_n: string | number;
      }>();
    const languages = await jobs()
      .createQueryBuilder('j')
      .select('j.detectedLanguage', 'language')
      .addSelect('COUNT(*)', 'n')
      .where('j.userId = :userId', { userId })
      .andWhere('j.detectedLanguage IS NOT NULL')
      .groupBy('j.detectedLanguage')
      .orderBy('COUNT(*)', 'DESC')
      .addOrderBy('j.detectedLanguage', 'ASC')
      .limit(TOP_LANGUAGES)
      .getRawMany<{ language: string; n: string | number }>();
    const last = await jobs()
      .createQueryBuilder('j')
      .select('MAX(j.created_at)', 'at')
      .where('j.userId = :userId', { userId })
      .getRawOne<{ at: Date | string | null }>();

    const byStatus: Record<string, number> = { pending: 0, processing: 0, completed: 0, failed: 0 };
    const byTask: Record<string, number> = { transcribe: 0, translate: 0, tts: 0 };
    let durationSum = 0;
    let durationCount = 0;
    for (const g of groups) {
      byStatus[g.status] += Number(g.n);
      byTask[g.task] += Number(g.n);
      if (isFinal(g.status)) {
        durationSum += Number(g.duration_sum ?? 0);
        durationCount += Number(g.duration_n);
      }
    }
    const finished = byStatus.completed + byStatus.failed;
    const at = last?.at ?? null;
    return {
      total_jobs: Object.values(byStatus).reduce((a, b) => a + b, 0),
      pending: byStatus.pending,
      processing: byStatus.processing,
      completed: byStatus.completed,
      failed: byStatus.failed,
      success_rate: finished ? round(byStatus.completed / finished, 4) : 0,
      by_task: { transcribe: byTask.transcribe, translate: byTask.translate, tts: byTask.tts },
      languages: Object.fromEntries(languages.map((l) => [l.language, Number(l.n)])),
      average_duration_seconds: durationCount ? round(durationSum / durationCount, 3) : null,
      last_job_at: at === null ? null : (at instanceof Date ? at : new Date(`${at.replace(' ', 'T')}Z`)).toISOString(),
    };
  }

  /**
   * Per (status, task, language): the user's job_stats rows, and the same totals from the jobs (durations exact, in
   * JS).
   */
  async function groups(userId: string) {
    const key = (status: string, task: string, language: string) => `${status}/${task}/${language}`;
    const fromJobs = new Map<string, { jobs: number; durations: number; duration_sum: number }>();
    for (const j of await jobs().find({
      where: { userId },
      select: { id: true, status: true, task: true, detectedLanguage: true, createdAt: true, completedAt: true },
    })) {
      const k = key(j.status, j.task, j.detectedLanguage ?? '');
      const g = fromJobs.get(k) ?? { jobs: 0, durations: 0, duration_sum: 0 };
      g.jobs++;
      if (j.completedAt) {
        g.durations++;
        g.duration_sum += (new Date(j.completedAt).getTime() - new Date(j.createdAt).getTime()) / 1000;
      }
      fromJobs.set(k, g);
    }
    const fromStats = new Map<string, { jobs: number; durations: number; duration_sum: number }>();
    for (const s of await t.dataSource.getRepository(JobStats).findBy({ userId })) {
      expect(s.jobs).toBeGreaterThanOrEqual(0);
      if (s.jobs === 0) {
        // An emptied group: kept, and read as nothing.
        expect(s.durations).toBe(0);
        expect(Math.abs(s.durationSum)).toBeLessThan(1e-6);
      } else
        fromStats.set(key(s.status, s.task, s.language), {
          jobs: s.jobs,
          durations: s.durations,
          duration_sum: s.durationSum,
        });
    }
    return { fromJobs, fromStats };
  }

  /** job_stats equals the jobs' own totals, and the route answers what the old GROUP BYs answered. */
  async function expectConsistent(user: TestUser, context = '') {
    try {
      const { fromJobs, fromStats } = await groups(user.id);
      expect([...fromStats.keys()].sort()).toEqual([...fromJobs.keys()].sort());
      for (const [k, want] of fromJobs) {
        const got = fromStats.get(k)!;
        expect([k, got.jobs, got.durations]).toEqual([k, want.jobs, want.durations]);
        expect(got.duration_sum).toBeCloseTo(want.duration_sum, 6);
      }

      const res = await t.http.get('/jobs/stats/summary').set(user.auth);
      expect(res.status).toBe(200);
      const want = await statsFromJobs(user.id);
      // The averages are sums of floating-point seconds in different orders (SQLite's julianday arithmetic is itself
      // only exact to about 0.1 ms): rounded to 3 places they may differ in the last place.
      expect(
        Math.abs((res.body.average_duration_seconds ?? 0) - (want.average_duration_seconds ?? 0)),
      ).toBeLessThanOrEqual(0.001 + 1e-9);
      expect({ ...res.body, average_duration_seconds: res.body.average_duration_seconds === null }).toEqual({
        ...want,
        average_duration_seconds: want.average_duration_seconds === null,
      });
      expect(Object.keys(res.body.languages)).toEqual(Object.keys(want.languages));
    } catch (err) {
      if (err instanceof Error) err.message = `${context}\n${err.message}`;
      throw err;
    }
  }

  /** X-Total-Count against COUNT(*) over the jobs, for several filter combinations. */
  async function expectTotals(user: TestUser, times: number[], context = '') {
    const combos: { status_filter?: JobStatus; task?: JobTask; since?: number; until?: number }[] = [
      {},
      ...Object.values(JobStatus).map((status_filter) => ({ status_filter })),
      ...Object.values(JobTask).map((task) => ({ task })),
      { status_filter: JobStatus.Completed, task: JobTask.Transcribe },
      { status_filter: JobStatus.Pending, task: JobTask.Tts },
    ];
    if (times.length) {
      const sorted = [...times].sort((a, b) => a - b);
      const mid = sorted[Math.floor(sorted.length / 2)];
      combos.push({ since: mid }, { until: mid }, { since: mid, status_filter: JobStatus.Completed });
      // until must be later than since
      if (sorted[0] < mid) combos.push({ since: sorted[0], until: mid, task: JobTask.Translate });
    }
    for (const c of combos) {
      const since = c.since === undefined ? undefined : new Date(c.since);
      const until = c.until === undefined ? undefined : new Date(c.until);
      const query = {
        status_filter: c.status_filter,
        task: c.task,
        since: since?.toISOString(),
        until: until?.toISOString(),
      };
      const qb = jobs().createQueryBuilder('j').where('j.userId = :userId', { userId: user.id });
      if (c.status_filter) qb.andWhere('j.status = :status', { status: c.status_filter });
      if (c.task) qb.andWhere('j.task = :task', { task: c.task });
      if (since) qb.andWhere('j.createdAt >= :since', { since: toDbTime(since, postgres()) });
      if (until) qb.andWhere('j.createdAt < :until', { until: toDbTime(until, postgres()) });
      const res = await t.http
        .get('/jobs/')
        .query({ ...JSON.parse(JSON.stringify(query)), limit: 1 })
        .set(user.auth);
      expect(res.status).toBe(200);
      expect([context, query, res.headers['x-total-count']]).toEqual([context, query, String(await qb.getCount())]);
    }
  }

  // A small deterministic generator, so a failing sequence can be replayed from its seed.
  const SEED = Number(process.env.JOBS_STATS_SEED) || Date.now() % 2 ** 31;
  function random(seed: number) {
    let a = seed >>> 0;
    const next = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let x = Math.imul(a ^ (a >>> 15), 1 | a);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
    };
    return {
      next,
      int: (n: number) => Math.floor(next() * n),
      pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
    };
  }

  // More than TOP_LANGUAGES codes, cases and separators included, so the top-20 cut and its tie-break are exercised.
  const LANGUAGES: (string | null)[] = [
    null,
    null,
    'en',
    'en',
    'EN',
    'de',
    'fr',
    'pt-BR',
    'pt_BR',
    'pt',
    'es',
    'it',
    'nl',
    'sv',
    'no',
    'da',
    'fi',
    'pl',
    'cs',
    'sk',
    'hu',
    'ro',
    'bg',
    'el',
    'tr',
    'ja',
    'zh',
    'english',
  ];
  const STATUSES = Object.values(JobStatus);
  const TASKS = Object.values(JobTask);

  interface Known {
    jobId: string;
    status: JobStatus | null; // null once deleted
    createdAt: number;
  }

  it(`random sequences of creates, transitions (valid and not), language changes and deletes keep the stats exact (seed ${SEED})`, async () => {
    const rnd = random(SEED);
    const users = [await createUser(t), await createUser(t)];
    const known = new Map<string, Known[]>(users.map((u) => [u.id, []]));
    const steps = 240;
    for (let step = 1; step <= steps; step++) {
      const user = rnd.pick(users);
      const mine = known.get(user.id)!;
      const context = `seed ${SEED}, step ${step}`;
      tick(1 + rnd.int(5000));
      const roll = rnd.next();
      if (roll < 0.35 || !mine.length) {
        const reuse = mine.length && rnd.next() < 0.1 ? rnd.pick(mine) : undefined;
        const taken = !!reuse && reuse.status !== null; // a deleted job's job_id is free again
        const body: Record<string, unknown> = { filename: `f${step}.wav`, task: rnd.pick(TASKS) };
        const language = rnd.pick(LANGUAGES);
        if (language !== null || rnd.next() < 0.5) body.detected_language = language;
        if (reuse) body.job_id = reuse.jobId;
        const res = await t.http.post('/jobs/').set(user.auth).send(body);
        expect([context, res.status]).toEqual([context, taken ? 409 : 201]);
        if (!taken) {
          const created = {
            jobId: res.body.job_id,
            status: JobStatus.Pending,
            createdAt: Date.parse(res.body.created_at),
          };
          if (reuse) Object.assign(reuse, created);
          else mine.push(created);
        }
      } else if (roll < 0.85) {
        const job = rnd.pick(mine);
        const to = rnd.pick(STATUSES);
        const body: Record<string, unknown> = { status: to };
        if (rnd.next() < 0.4) body.detected_language = rnd.pick(LANGUAGES);
        if (to === JobStatus.Completed) body.transcript = 'words';
        const res = await t.http.patch(`/jobs/${job.jobId}`).set(user.auth).send(body);
        const expected = job.status === null ? 404 : canTransition(job.status, to) ? 200 : 409;
        expect([context, res.status]).toEqual([context, expected]);
        if (expected === 200) job.status = to;
      } else {
        const job = rnd.pick(mine);
        const res = await t.http.delete(`/jobs/${job.jobId}`).set(user.auth);
        expect([context, res.status]).toEqual([context, job.status === null ? 404 : 204]);
        job.status = null;
      }
      if (step % 40 === 0)
        for (const u of users) {
          await expectConsistent(u, context);
          await expectTotals(
            u,
            known
              .get(u.id)!
              .filter((j) => j.status !== null)
              .map((j) => j.createdAt),
            context,
          );
        }
    }
  });

  describe('under parallel writes', () => {
    it('of parallel completions and failures of one job (each with its own language), one wins and is counted once (10 rounds)', async () => {
      const u = await createUser(t);
      for (let round = 0; round < 10; round++) {
        const job = (await t.http.post('/jobs/').set(u.auth).send({ filename: 'race.wav', detected_language: 'en' }))
          .body;
        tick(1234);
        const bodies = ['de', 'fr', 'es', 'it', 'nl', 'sv'].map((lang, i) => ({
          status: i % 2 ? JobStatus.Failed : JobStatus.Completed,
          detected_language: lang,
        }));
        const results = await Promise.all(bodies.map((b) => t.http.patch(`/jobs/${job.job_id}`).set(u.auth).send(b)));
        expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
        const winner = bodies[results.findIndex((r) => r.status === 200)];
        const stored = (await t.http.get(`/jobs/${job.job_id}`).set(u.auth)).body;
        expect([stored.status, stored.detected_language]).toEqual([winner.status, winner.detected_language]);
      }
      const stats = (await t.http.get('/jobs/stats/summary').set(u.auth)).body;
      expect(stats.total_jobs).toBe(10);
      expect(stats.completed + stats.failed).toBe(10);
      expect(stats.pending).toBe(0);
      expect(stats.average_duration_seconds).toBe(1.234);
      await expectConsistent(u);
    });

    it('a job moved by two parallel transitions that can both win (processing, then completed) leaves its old group once', async () => {
      const u = await createUser(t);
      const created: string[] = [];
      for (let i = 0; i < 30; i++)
        created.push(
          (
            await t.http
              .post('/jobs/')
              .set(u.auth)
              .send({ filename: `r${i}.wav`, detected_language: 'en' })
          ).body.job_id,
        );
      tick(500);
      const results = await Promise.all(
        created.flatMap((id) => [
          t.http.patch(`/jobs/${id}`).set(u.auth).send({ status: JobStatus.Processing, detected_language: 'de' }),
          t.http.patch(`/jobs/${id}`).set(u.auth).send({ status: JobStatus.Completed }),
        ]),
      );
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(30);
      await expectConsistent(u);
    });

    it('parallel creates all count (and a job_id taken twice at once counts once)', async () => {
      const u = await createUser(t);
      const rnd = random(SEED + 1);
      const taken = randomUUID();
      const bodies = Array.from({ length: 40 }, (_, i) => ({
        filename: `p${i}.wav`,
        task: rnd.pick(TASKS),
        detected_language: rnd.pick(LANGUAGES),
        ...(i < 4 ? { job_id: taken } : {}),
      }));
      const results = await Promise.all(bodies.map((b) => t.http.post('/jobs/').set(u.auth).send(b)));
      expect(results.map((r) => r.status).sort()).toEqual([...Array(37).fill(201), 409, 409, 409]);
      expect((await t.http.get('/jobs/stats/summary').set(u.auth)).body.total_jobs).toBe(37);
      expect((await t.http.get('/jobs/').set(u.auth)).headers['x-total-count']).toBe('37');
      await expectConsistent(u);
    });

    it('parallel deletes of one job count it out once; a parallel mix of every write leaves the totals exact', async () => {
      const u = await createUser(t);
      const one = (await t.http.post('/jobs/').set(u.auth).send({ filename: 'd.wav' })).body;
      const deletes = await Promise.all(
        Array.from({ length: 5 }, () => t.http.delete(`/jobs/${one.job_id}`).set(u.auth)),
      );
      expect(deletes.map((r) => r.status).sort()).toEqual([204, 404, 404, 404, 404]);
      expect((await t.http.get('/jobs/stats/summary').set(u.auth)).body.total_jobs).toBe(0);

      const rnd = random(SEED + 2);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++)
        ids.push(
          (
            await t.http
              .post('/jobs/')
              .set(u.auth)
              .send({ filename: `m${i}.wav`, task: rnd.pick(TASKS), detected_language: rnd.pick(LANGUAGES) })
          ).body.job_id,
        );
      tick(777);
      const writes = Array.from({ length: 60 }, () => {
        const roll = rnd.next();
        if (roll < 0.2)
          return t.http
            .post('/jobs/')
            .set(u.auth)
            .send({ filename: 'x.wav', task: rnd.pick(TASKS), detected_language: rnd.pick(LANGUAGES) });
        if (roll < 0.8)
          return t.http
            .patch(`/jobs/${rnd.pick(ids)}`)
            .set(u.auth)
            .send({ status: rnd.pick(STATUSES), detected_language: rnd.pick(LANGUAGES) });
        return t.http.delete(`/jobs/${rnd.pick(ids)}`).set(u.auth);
      });
      for (const r of await Promise.all(writes)) expect([200, 201, 204, 404, 409]).toContain(r.status);
      await expectConsistent(u, `seed ${SEED + 2}`);
      await expectTotals(u, [], `seed ${SEED + 2}`);
    });
  });

  it('deleting a user (admin API) deletes their job_stats rows with them', async () => {
    const admin = await createAdmin(t);
    const u = await createUser(t);
    for (const [task, language] of [
      [JobTask.Tts, 'en'],
      [JobTask.Translate, null],
      [JobTask.Transcribe, 'de'],
    ] as const) {
      const job = (
        await t.http.post('/jobs/').set(u.auth).send({ filename: 'a.wav', task, detected_language: language })
      ).body;
      await t.http.patch(`/jobs/${job.job_id}`).set(u.auth).send({ status: JobStatus.Completed }).expect(200);
    }
    const rows = t.dataSource.getRepository(JobStats);
    expect(await rows.countBy({ userId: u.id })).toBeGreaterThanOrEqual(3);
    await t.http.delete(`/auth/admin/users/${u.id}`).set(admin.auth).expect(204);
    expect(await rows.countBy({ userId: u.id })).toBe(0);
    expect(await jobs().countBy({ userId: u.id })).toBe(0);
  });

  describe('what the read routes send to the database', () => {
    let user: TestUser;
    let statements: { sql: string; params: unknown[] }[];

    beforeAll(async () => {
      user = await createUser(t);
      for (let i = 0; i < 12; i++) {
        const job = (
          await t.http
            .post('/jobs/')
            .set(user.auth)
            .send({ filename: `s${i}.wav`, task: TASKS[i % 3], detected_language: LANGUAGES[i % LANGUAGES.length] })
        ).body;
        tick(1000);
        if (i % 2)
          await t.http.patch(`/jobs/${job.job_id}`).set(user.auth).send({ status: JobStatus.Completed }).expect(200);
      }
    });

    /** The statements on the jobs tables while `path` is answered. */
    async function statementsOf(path: string) {
      statements = [];
      const spy = jest
        .spyOn(t.dataSource.logger, 'logQuery')
        .mockImplementation(
          (sql, params) => void statements.push({ sql, params: (params as unknown[] | undefined) ?? [] }),
        );
      try {
        expect((await t.http.get(path).set(user.auth)).status).toBe(200);
      } finally {
        spy.mockRestore();
      }
      return {
        jobs: statements.filter((s) => s.sql.includes('"transcription_jobs"')),
        stats: statements.filter((s) => s.sql.includes('"job_stats"')),
      };
    }

    /**
     * The plan of a statement, as text; on Postgres with fresh statistics and sequential scans off (the table is tiny).
     */
    async function plan({ sql, params }: { sql: string; params: unknown[] }): Promise<string> {
      if (!postgres()) return JSON.stringify(await t.dataSource.query(`EXPLAIN QUERY PLAN ${sql}`, params));
      const qr = t.dataSource.createQueryRunner();
      try {
        await qr.query('ANALYZE transcription_jobs');
        await qr.startTransaction();
        await qr.query('SET LOCAL enable_seqscan = off');
        const out = JSON.stringify(await qr.query(`EXPLAIN ${sql}`, params));
        await qr.rollbackTransaction();
        return out;
      } finally {
        await qr.release();
      }
    }

    it('the stats read job_stats, and of transcription_jobs only the newest created_at (one step down the index)', async () => {
      const { jobs: onJobs, stats } = await statementsOf('/jobs/stats/summary');
      expect(onJobs).toHaveLength(1);
      expect(onJobs[0].sql).toMatch(/ORDER BY "j"\."created_at" DESC LIMIT 1$/);
      expect(await plan(onJobs[0])).toMatch(/ix_transcription_jobs_user_id_created_at/);
      expect(stats.length).toBeGreaterThanOrEqual(1);
      for (const s of stats) expect(s.sql).toMatch(/^SELECT\b/);
    });

    it('the unfiltered (or status/task-filtered) list counts from job_stats: no COUNT over transcription_jobs', async () => {
      for (const path of ['/jobs/?limit=50', '/jobs/?status_filter=completed&task=tts']) {
        const { jobs: onJobs, stats } = await statementsOf(path);
        expect(onJobs).toHaveLength(1); // the page
        expect(onJobs[0].sql).not.toMatch(/COUNT\(/i);
        expect(onJobs[0].sql).toMatch(/LIMIT 50/);
        expect(stats).toHaveLength(1);
        expect(stats[0].sql).toMatch(/SUM\("s"\."jobs"\)/);
      }
    });

    it('with since/until the total is a COUNT over the time range, which an index serves', async () => {
      const since = new Date(frozen - 6000).toISOString();
      const { jobs: onJobs, stats } = await statementsOf(`/jobs/?since=${since}`);
      expect(stats).toHaveLength(0);
      const count = onJobs.find((s) => /COUNT\(\*\)/.test(s.sql))!;
      expect(count).toBeDefined();
      expect(await plan(count)).toMatch(/ix_transcription_jobs_user_id_created_at/);
      expect((await t.http.get(`/jobs/?since=${since}`).set(user.auth)).headers['x-total-count']).toBe('6');
    });
  });
});
