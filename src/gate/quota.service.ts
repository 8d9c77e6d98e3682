import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UnitOfWork } from '../database/unit-of-work';
import { writeInSlices } from '../database/write-in-slices';
import { RedisService } from '../redis/redis.service';
import { MonthUsageColumns, UsageAddition, UsersRepository } from '../users/users.repository';
import { PrincipalCache, UserProfile } from '../auth/credential/principal-cache';
import {
  crossedThresholds,
  effectiveQuota,
  MonthCounts,
  monthEnd,
  monthOf,
  QuotaKind,
  rowCounts,
  UsageKind,
  ZERO_COUNTS,
} from '../users/quota';
import { CountStep, MemoryQuotaCounter, QuotaCounter, RedisQuotaCounter } from './quota-counter';

/** Published when a user's month usage of a kind reaches 80 % and 100 % of its quota (once each per month). */
export const QUOTA_THRESHOLD = 'quota.threshold';
export interface QuotaThresholdPayload {
  user_id: string;
  kind: QuotaKind;
  threshold: 80 | 100;
  used: number;
  limit: number;
  month: string;
}

const FLUSH_EVERY_MS = 5_000;

/** What a forwarded request or a finished job adds to a user's month. */
type Pending = UsageAddition;

export interface ForwardDecision {
  allowed: boolean;
  /** The class's quota left after this request, when the class has one. */
  remaining?: number;
  limit?: number;
  /** Seconds until the quota resets (a refused request). */
  retryAfter?: number;
}

type Row = Pick<UserProfile, 'id' | 'quotaOverrides'> & MonthUsageColumns;

const JOB_KIND: Record<string, 'transcriptions' | 'translations' | 'tts'> = {
  transcribe: 'transcriptions',
  translate: 'translations',
  tts: 'tts',
};

/**
 * Monthly quotas and usage: every decision on an atomic counter (Redis when configured, shared by every instance;
 * else in this process), the counts buffered and written to the user rows every few seconds and on shutdown, so a
 * request costs no database write. Reaching a quota writes that user's buffered counts at once, with the
 * `quota.threshold` event, so a restart never forgets that a quota is spent.
 */
@Injectable()
export class QuotaService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(QuotaService.name);
  private readonly counter: QuotaCounter;
  private pending = new Map<string, Pending>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
    private readonly state: PrincipalCache,
    private readonly dataSource: DataSource,
    redis: RedisService,
  ) {
    const memory = new MemoryQuotaCounter();
    this.counter = redis.client ? new RedisQuotaCounter(redis.client, memory, clock) : memory;
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /**
   * A forwarded request of `kind` by the user of `row`: counted in the month (and refused when the kind's quota is
   * spent). Synchronous unless the kind has a quota and the counter is Redis.
   */
  forward(row: Row, kind: UsageKind): ForwardDecision | Promise<ForwardDecision> {
    const now = this.clock.now();
    const month = monthOf(now);
    const limit = kind === 'requests' ? null : effectiveQuota(this.config, row.quotaOverrides)[kind];
    if (limit === null || kind === 'requests') {
      this.buffer(row.id, month, kind, 1, true);
      return { allowed: true };
    }
    const step: CountStep = {
      userId: row.id,
      month,
      monthEndMs: monthEnd(now),
      baseline: rowCounts(row, month),
      add: { requests: 1, [kind]: 1 },
      limits: { [kind]: limit },
    };
    const done = (o: { allowed: boolean; before: MonthCounts }): ForwardDecision | Promise<ForwardDecision> => {
      if (!o.allowed) return { allowed: false, limit, remaining: 0, retryAfter: this.secondsToReset(now) };
      this.buffer(row.id, month, kind, 1, true);
      const used = o.before[kind] + 1;
      const decision = { allowed: true, limit, remaining: Math.max(0, limit - used) };
      const crossed = crossedThresholds(o.before[kind], used, limit);
      return crossed.length
        ? this.thresholds(row.id, kind, crossed, used, limit, month).then(() => decision)
        : decision;
    };
    const outcome = this.counter.count(step);
    return outcome instanceof Promise ? outcome.then(done) : done(outcome);
  }

  /** POST /jobs/: refused while the job's kind or the audio seconds of the month are spent (used ≥ quota). */
  async assertJobAllowed(userId: string, task: string): Promise<void> {
    const row = await this.state.profile(userId);
    if (!row) return;
    const now = this.clock.now();
    const quota = effectiveQuota(this.config, row.quotaOverrides);
    const kind = JOB_KIND[task];
    const limits: [QuotaKind, number | null][] = [
      [kind, quota[kind]],
      ['audio_seconds', quota.audio_seconds],
    ];
    if (limits.every(([, l]) => l === null)) return;
    const used = await this.used(row, now);
    for (const [k, limit] of limits) if (limit !== null && used[k] >= limit) throw this.exceeded(k, limit, now);
  }

  /** A job completed: one of its kind and its audio seconds count in the month (the job counts its lifetime ones). */
  async recordJob(userId: string, task: string, audioSeconds: number): Promise<void> {
    const row = await this.state.profile(userId);
    if (!row) return;
    const now = this.clock.now();
    const month = monthOf(now);
    const kind = JOB_KIND[task];
    const quota = effectiveQuota(this.config, row.quotaOverrides);
    const shared = quota[kind] !== null || quota.audio_seconds !== null;
    let before: MonthCounts | undefined;
    if (shared) {
      const outcome = await this.counter.count({
        userId,
        month,
        monthEndMs: monthEnd(now),
        baseline: rowCounts(row, month),
        add: { [kind]: 1, audio_seconds: audioSeconds },
        limits: {},
      });
      before = outcome.before;
    }
    this.buffer(userId, month, kind, 1, false, audioSeconds);
    if (!before) return;
    for (const [k, add] of [
      [kind, 1],
      ['audio_seconds', audioSeconds],
    ] as const) {
      const limit = quota[k];
      if (limit === null) continue;
      const crossed = crossedThresholds(before[k], before[k] + add, limit);
      if (crossed.length) await this.thresholds(userId, k, crossed, before[k] + add, limit, month);
    }
  }

  /** The user's counts of this month: the live counter's when there is one, else the row's. */
  async used(row: Row, now = this.clock.now()): Promise<MonthCounts> {
    const month = monthOf(now);
    return this.counter.read(row.id, month, rowCounts(row, month));
  }

  /** This month's gate traffic and job usage over every user (as flushed). */
  async monthTotals(): Promise<{ month: string } & MonthCounts & { users: number }> {
    const month = monthOf(this.clock.now());
    const row = await this.dataSource
      .createQueryBuilder()
      .from('users', 'u')
      .select('COUNT(*)', 'users')
      .addSelect('COALESCE(SUM(u.usage_month_requests), 0)', 'requests')
      .addSelect('COALESCE(SUM(u.usage_month_transcriptions), 0)', 'transcriptions')
      .addSelect('COALESCE(SUM(u.usage_month_translations), 0)', 'translations')
      .addSelect('COALESCE(SUM(u.usage_month_tts), 0)', 'tts')
      .addSelect('COALESCE(SUM(u.usage_month_audio_seconds), 0)', 'audio_seconds')
      .where('u.usage_month = :month', { month })
      .getRawOne<Record<string, unknown>>();
    const n = (v: unknown) => Number(v ?? 0);
    return {
      month,
      users: n(row?.users),
      requests: n(row?.requests),
      transcriptions: n(row?.transcriptions),
      translations: n(row?.translations),
      tts: n(row?.tts),
      audio_seconds: n(row?.audio_seconds),
    };
  }

  exceeded(kind: QuotaKind, limit: number, now = this.clock.now()): AppError {
    const retryAfter = this.secondsToReset(now);
    return new AppError(ErrorCode.QuotaExceeded, `Monthly quota exceeded: ${limit} ${kind.replace('_', ' ')}`, {
      headers: { 'retry-after': String(retryAfter) },
      extensions: { kind, limit, resets_at: new Date(monthEnd(now)).toISOString() },
    });
  }

  secondsToReset(now = this.clock.now()): number {
    return Math.max(1, Math.ceil((monthEnd(now) - now) / 1000));
  }

  private buffer(userId: string, month: string, kind: UsageKind, n: number, lifetime: boolean, audio = 0): void {
    const key = `${userId}|${month}`;
    let p = this.pending.get(key);
    if (!p) {
      p = {
        userId,
        month,
        month_counts: { ...ZERO_COUNTS },
        lifetime: { transcriptions: 0, translations: 0, tts: 0 },
      };
      this.pending.set(key, p);
    }
    if (lifetime) p.month_counts.requests += n;
    if (kind !== 'requests') {
      p.month_counts[kind] += n;
      if (lifetime) p.lifetime[kind] += n;
    }
    p.month_counts.audio_seconds += audio;
  }

  /**
   * Publishes the thresholds crossed (each crossing happens on exactly one step of the atomic counter); reaching
   * 100 % writes the user's buffered counts in the same unit.
   */
  private async thresholds(
    userId: string,
    kind: QuotaKind,
    crossed: (80 | 100)[],
    used: number,
    limit: number,
    month: string,
  ): Promise<void> {
    const events = crossed.map((threshold) => ({
      name: QUOTA_THRESHOLD,
      payload: { user_id: userId, kind, threshold, used, limit, month } satisfies QuotaThresholdPayload,
    }));
    const entries = crossed.includes(100) ? this.take((p) => p.userId === userId) : [];
    try {
      await this.uow.run(function* (unit) {
        for (const e of entries) yield* UsersRepository.addUsage(unit, e);
        for (const event of events) yield* unit.publish(event);
      });
    } catch (err) {
      this.putBack(entries);
      this.logger.warn(`quota.threshold for ${userId} not recorded: ${(err as Error).message}`);
    }
  }

  private take(which: (p: Pending) => boolean = () => true): Pending[] {
    const taken: Pending[] = [];
    for (const [key, p] of this.pending)
      if (which(p)) {
        taken.push(p);
        this.pending.delete(key);
      }
    // Rows in id order: instances flushing at once lock them in the same order, so never deadlock.
    return taken.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.month < b.month ? -1 : 1));
  }

  private putBack(entries: readonly Pending[]): void {
    for (const e of entries) {
      const key = `${e.userId}|${e.month}`;
      const p = this.pending.get(key);
      if (!p) {
        this.pending.set(key, e);
        continue;
      }
      for (const f of Object.keys(e.month_counts) as (keyof MonthCounts)[]) p.month_counts[f] += e.month_counts[f];
      for (const f of Object.keys(e.lifetime) as (keyof Pending['lifetime'])[]) p.lifetime[f] += e.lifetime[f];
    }
  }

  /** Writes every buffered count; on failure what was not written is put back for the next attempt. */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.doFlush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    const entries = this.take();
    if (!entries.length) return;
    await writeInSlices(
      entries,
      async (slice) => {
        const before = this.state.beforeWrite();
        await this.uow.run(function* (unit) {
          for (const e of slice) yield* UsersRepository.addUsage(unit, e);
        });
        for (const e of slice) this.state.applyWritten(e.userId, (row) => UsersRepository.withUsage(row, e), before);
      },
      (rest, err) => {
        this.putBack(rest);
        this.logger.warn(`usage flush failed, ${rest.length} users' counts kept for the next attempt: ${err.message}`);
      },
    );
  }

  /** Before any module's shutdown hook, so the database is still connected (TypeORM closes it in its own). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    let lastError: unknown;
    for (let attempt = 0; attempt < 4 && (this.pending.size || this.flushing); attempt++)
      await this.flush().catch((err) => (lastError = err));
    if (this.pending.size)
      this.logger.error(`final usage flush failed, ${this.pending.size} users' counts lost: ${String(lastError)}`);
  }
}
