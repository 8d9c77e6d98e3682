import { Inject, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Principal } from '../common/principal';
import { ALL_WINDOWS, PlannedWindow, planRateLimit, RateLimitPlan } from '../rate-limit/limits';
import { MemoryRateLimitStorage, RateLimitRecord } from '../rate-limit/memory-rate-limit.storage';
import { isMultiWindowStorage, MultiWindowStorage } from '../rate-limit/redis-rate-limit.storage';

export interface WindowState {
  window: PlannedWindow;
  record: RateLimitRecord;
}

export interface RateLimitOutcome {
  /** The window the X-RateLimit-* trio describes: the blocked one, else the one with the fewest left. */
  tightest: WindowState;
  blocked: boolean;
}

/** The request name of forwarded traffic in the rate-limit plan (it shares the identity's windows). */
const ROUTE = 'gate.verify';

/**
 * Counts a forwarded request in its identity's minute/hour/day windows: the same plan, keys and storage as the API's
 * RateLimitGuard, so a user's API calls and gated requests share one budget. Synchronous on the in-memory storage.
 */
@Injectable()
export class GateRateLimiter {
  private readonly memory?: MemoryRateLimitStorage;
  private readonly multi?: MultiWindowStorage;

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    if (storage instanceof MemoryRateLimitStorage) this.memory = storage;
    else if (isMultiWindowStorage(storage)) this.multi = storage;
  }

  get enabled(): boolean {
    return this.config.rateLimit.enabled;
  }

  /** The caller's windows (the IP's when anonymous) and, for an API key with limits of its own, the key's on top. */
  plan(principal: Pick<Principal, 'user' | 'keyId' | 'keyRateLimits'> | undefined, ip: string): RateLimitPlan {
    const key =
      principal?.keyId && principal.keyRateLimits
        ? { id: principal.keyId, rateLimits: principal.keyRateLimits }
        : undefined;
    return planRateLimit(this.config, { user: principal?.user, key, ip, authRoute: false, route: ROUTE });
  }

  count(plan: RateLimitPlan): RateLimitOutcome | Promise<RateLimitOutcome> {
    const windows: PlannedWindow[] = [];
    for (const w of ALL_WINDOWS) if (plan.windows[w.name]) windows.push(plan.windows[w.name]!);
    if (this.memory) return outcome(windows, this.memory.hitWindows(windows));
    if (this.multi) return this.multi.incrementWindows(windows).then((records) => outcome(windows, records));
    return this.countEach(windows);
  }

  private async countEach(windows: PlannedWindow[]): Promise<RateLimitOutcome> {
    const records: RateLimitRecord[] = [];
    for (const w of windows) {
      const raw = await this.storage.increment(w.key, w.ttlMs, w.limit, 0, w.name);
      const record = { ...raw, resetAtMs: this.clock.now() + raw.timeToExpire * 1000 };
      records.push(record);
      if (record.isBlocked) break;
    }
    return outcome(windows, records);
  }
}

function outcome(windows: PlannedWindow[], records: RateLimitRecord[]): RateLimitOutcome {
  let tightest: WindowState | undefined;
  for (let i = 0; i < records.length; i++) {
    const s = { window: windows[i], record: records[i] };
    if (s.record.isBlocked) return { tightest: s, blocked: true };
    if (
      !tightest ||
      left(s) < left(tightest) ||
      (left(s) === left(tightest) && s.record.resetAtMs > tightest.record.resetAtMs)
    )
      tightest = s;
  }
  return { tightest: tightest!, blocked: false };
}

const left = (s: WindowState) => Math.max(0, s.window.limit - s.record.totalHits);

/** The X-RateLimit-* trio of a counted request. */
export function rateLimitHeaders(s: WindowState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(s.window.limit),
    'x-ratelimit-remaining': String(left(s)),
    'x-ratelimit-reset': String(Math.ceil(s.record.resetAtMs / 1000)),
  };
}
