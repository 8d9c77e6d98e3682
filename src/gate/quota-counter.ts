import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { Clock } from '../common/clock';
import { MonthCounts, ZERO_COUNTS } from '../users/quota';

type Field = keyof MonthCounts;
const FIELDS: readonly Field[] = ['requests', 'transcriptions', 'translations', 'tts', 'audio_seconds'];

/** One counting step: adds `add` unless a limited field would pass its limit (then nothing is added). */
export interface CountStep {
  userId: string;
  month: string;
  /** When the month ends (the shared counter expires a while after). */
  monthEndMs: number;
  /** Where a counter that does not exist yet starts: the user row's counts of this month. */
  baseline: Readonly<MonthCounts>;
  add: Partial<MonthCounts>;
  limits: Partial<Record<Field, number>>;
}

export interface CountOutcome {
  allowed: boolean;
  /** The counts before this step (unchanged by a refused step). */
  before: MonthCounts;
  /** The field that refused. */
  refusedBy?: Field;
}

/** Counts of users' months, each step atomic: N parallel steps against a limit Q allow exactly Q. */
export interface QuotaCounter {
  count(step: CountStep): CountOutcome | Promise<CountOutcome>;
  read(userId: string, month: string, baseline: Readonly<MonthCounts>): MonthCounts | Promise<MonthCounts>;
}

function decide(current: MonthCounts, step: CountStep): CountOutcome {
  for (const f of FIELDS) {
    const add = step.add[f] ?? 0;
    const limit = step.limits[f];
    if (limit !== undefined && add > 0 && current[f] + add > limit)
      return { allowed: false, before: { ...current }, refusedBy: f };
  }
  return { allowed: true, before: { ...current } };
}

/** In-process counters (one instance): a step is synchronous, so it is atomic by construction. */
export class MemoryQuotaCounter implements QuotaCounter {
  private counters = new Map<string, MonthCounts>();
  private month = '';

  count(step: CountStep): CountOutcome {
    const current = this.entry(step.userId, step.month, step.baseline);
    const outcome = decide(current, step);
    if (outcome.allowed) for (const f of FIELDS) current[f] += step.add[f] ?? 0;
    return outcome;
  }

  read(userId: string, month: string, baseline: Readonly<MonthCounts>): MonthCounts {
    return { ...(this.counters.get(`${userId}|${month}`) ?? baseline) };
  }

  private entry(userId: string, month: string, baseline: Readonly<MonthCounts>): MonthCounts {
    if (month > this.month) {
      // A new month: last month's counters are done with.
      this.month = month;
      for (const key of this.counters.keys()) if (!key.endsWith(`|${month}`)) this.counters.delete(key);
    }
    const key = `${userId}|${month}`;
    let c = this.counters.get(key);
    if (!c) this.counters.set(key, (c = { ...ZERO_COUNTS, ...baseline }));
    return c;
  }
}

// Starts the user's month from the row's counts when absent, then checks every limited field and adds to all of
// them, or to none. KEYS[1]: the month's hash. ARGV: expire-at ms, then 5 baselines, 5 additions, 5 limits (-1: none).
const COUNT_LUA = `
local f = {'requests', 'transcriptions', 'translations', 'tts', 'audio_seconds'}
if redis.call('EXISTS', KEYS[1]) == 0 then
  for i = 1, 5 do redis.call('HSET', KEYS[1], f[i], ARGV[1 + i]) end
  redis.call('PEXPIREAT', KEYS[1], ARGV[1])
end
local cur = redis.call('HMGET', KEYS[1], f[1], f[2], f[3], f[4], f[5])
for i = 1, 5 do
  local add = tonumber(ARGV[6 + i])
  local limit = tonumber(ARGV[11 + i])
  if limit >= 0 and add > 0 and (tonumber(cur[i]) or 0) + add > limit then
    return {0, i, cur[1], cur[2], cur[3], cur[4], cur[5]}
  end
end
for i = 1, 5 do
  if tonumber(ARGV[6 + i]) ~= 0 then redis.call('HINCRBYFLOAT', KEYS[1], f[i], ARGV[6 + i]) end
end
return {1, 0, cur[1], cur[2], cur[3], cur[4], cur[5]}
`;
const COMMAND = 'voicegateQuotaCount';
/** The hash outlives its month by this much (late job completions of the month still find it). */
const KEEP_AFTER_MONTH_MS = 7 * 86_400_000;
const RETRY_AFTER_MS = 1000;

type ScriptedRedis = Redis & { [COMMAND](key: string, ...args: (string | number)[]): Promise<unknown[]> };

/**
 * Counters shared by every instance: one Redis hash per user and month, each step one Lua script (atomic). While
 * Redis is unreachable, steps are counted in this instance (logged once), as the rate limits do.
 */
export class RedisQuotaCounter implements QuotaCounter {
  private readonly logger = new Logger('Quota');
  private readonly client: ScriptedRedis;
  private down = false;
  private retryAt = 0;

  constructor(
    client: Redis,
    private readonly fallback: MemoryQuotaCounter,
    private readonly clock: Clock,
    private readonly prefix = 'voicegate:quota:',
  ) {
    if (!(COMMAND in client)) client.defineCommand(COMMAND, { numberOfKeys: 1, lua: COUNT_LUA });
    this.client = client as ScriptedRedis;
  }

  async count(step: CountStep): Promise<CountOutcome> {
    if (this.down && this.clock.now() < this.retryAt) return this.fallback.count(step);
    try {
      const reply = await this.client[COMMAND](
        this.key(step.userId, step.month),
        step.monthEndMs + KEEP_AFTER_MONTH_MS,
        ...FIELDS.map((f) => step.baseline[f]),
        ...FIELDS.map((f) => step.add[f] ?? 0),
        ...FIELDS.map((f) => step.limits[f] ?? -1),
      );
      this.reachable();
      const before = Object.fromEntries(FIELDS.map((f, i) => [f, Number(reply[2 + i] ?? 0)])) as MonthCounts;
      const refused = Number(reply[1]);
      return Number(reply[0]) === 1
        ? { allowed: true, before }
        : { allowed: false, before, refusedBy: FIELDS[refused - 1] };
    } catch (err) {
      this.failed(err as Error);
      return this.fallback.count(step);
    }
  }

  async read(userId: string, month: string, baseline: Readonly<MonthCounts>): Promise<MonthCounts> {
    try {
      const values = await this.client.hmget(this.key(userId, month), ...FIELDS);
      if (values.every((v) => v === null)) return { ...baseline };
      return Object.fromEntries(FIELDS.map((f, i) => [f, Number(values[i] ?? 0)])) as MonthCounts;
    } catch (err) {
      this.failed(err as Error);
      return this.fallback.read(userId, month, baseline);
    }
  }

  private key(userId: string, month: string): string {
    return `${this.prefix}${userId}:${month}`;
  }

  private reachable(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log('Redis is reachable again: quota counters are shared again');
  }

  private failed(err: Error): void {
    if (!this.down) this.logger.warn(`Redis quota counter failed (${err.message}); counting in this instance`);
    this.down = true;
    this.retryAt = this.clock.now() + RETRY_AFTER_MS;
  }
}
