import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerOptions,
  ThrottlerRequest,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../audit/audit.events';
import { Clock } from '../common/clock';
import { AuthedRequest, requestMeta, routeMetadata, routeMetadataCache } from '../common/decorators';
import { AppError, ErrorCode } from '../common/errors';
import { AppConfig, RateLimitWindows } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ALL_WINDOWS, PlannedWindow, planRateLimit, RateLimitPlan, WindowName } from './limits';
import { RateLimitRecord } from './memory-rate-limit.storage';
import { RATE_LIMIT_AUTH, RATE_LIMIT_OVERRIDE, RATE_LIMIT_SKIP } from './rate-limit.decorators';
import { isMultiWindowStorage, MultiWindowStorage } from './redis-rate-limit.storage';

interface Counted {
  window: PlannedWindow;
  record: RateLimitRecord;
}

interface RequestState {
  plan: RateLimitPlan;
  counted: Counted[];
  /** Every planned window counted at once (a MultiWindowStorage: one Redis round trip per request), by name. */
  batch?: Promise<Partial<Record<WindowName, RateLimitRecord>>>;
}

/** What the guard decided for a request, read by throttler's per-window resolvers below. */
const states = new WeakMap<object, RequestState>();
const windowOf = (context: ExecutionContext, name: WindowName) =>
  states.get(context.switchToHttp().getRequest())?.plan.windows[name];

/** Blocked first, then fewest remaining, then the later reset (the window that actually holds the caller back). */
function tightest(counted: Counted[]): Counted | undefined {
  const remaining = (c: Counted) => Math.max(0, c.window.limit - c.record.totalHits);
  return [...counted].sort(
    (a, b) =>
      Number(b.record.isBlocked) - Number(a.record.isBlocked) ||
      remaining(a) - remaining(b) ||
      b.record.resetAtMs - a.record.resetAtMs,
  )[0];
}

/**
 * The last step of the global RequestGuard (after authentication and roles, so it keys on the resolved user):
 * per-identity
 * minute/hour/day windows through @nestjs/throttler, limits resolved per request. It runs on
 * every Nest route unless `@SkipRateLimit()`, so no route can be forgotten. Headers are written before the
 * handler runs, so error responses of a limited route carry them too.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly events: EventEmitter2,
  ) {
    super(options, storage, routeMetadataCache(reflector));
    this.skipped = routeMetadata<boolean>(reflector, RATE_LIMIT_SKIP);
    this.authRoute = routeMetadata<boolean>(reflector, RATE_LIMIT_AUTH);
    this.override = routeMetadata<Partial<RateLimitWindows>>(reflector, RATE_LIMIT_OVERRIDE);
    this.multiWindow = isMultiWindowStorage(storage) ? storage : undefined;
  }

  /** The Redis storage counts a request's windows in one call; any other storage is asked window by window. */
  private readonly multiWindow?: MultiWindowStorage;

  private readonly skipped: (context: ExecutionContext) => boolean | undefined;
  private readonly authRoute: (context: ExecutionContext) => boolean | undefined;
  private readonly override: (context: ExecutionContext) => Partial<RateLimitWindows> | undefined;

  /** The named windows for ThrottlerModule: each limit is resolved from the request's plan (absent → skipped). */
  static throttlers(): ThrottlerOptions[] {
    return ALL_WINDOWS.map((w) => ({
      name: w.name,
      ttl: w.ttlMs,
      limit: (context: ExecutionContext) => windowOf(context, w.name)?.limit ?? 0,
      skipIf: (context: ExecutionContext) => !windowOf(context, w.name),
      setHeaders: false,
    }));
  }

  /** Whether this request is counted at all: limits on, an HTTP route without `@SkipRateLimit()`. */
  appliesTo(context: ExecutionContext): boolean {
    return this.config.rateLimit.enabled && context.getType() === 'http' && !this.skipped(context);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const allowed = await super.canActivate(context);
    const { req, res } = this.getRequestResponse(context);
    const state = states.get(req);
    if (state) this.writeHeaders(res, state, tightest(state.counted), this.clock.now());
    return allowed;
  }

  /**
   * Called by AuthenticationGuard when a request's authentication fails (no credential, a bad token, a wrong API
   * key): it then counts against the client IP's anonymous budget like any anonymous request, so guessing keys
   * or tokens is limited per IP — a 429 (audited once per window) once the budget is spent, the 401 until then.
   */
  async countFailedAuthentication(context: ExecutionContext): Promise<void> {
    await this.canActivate(context); // no principal on the request: planned as the anonymous IP
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (!this.appliesTo(context)) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const plan = planRateLimit(this.config, {
      user: req.principal?.user,
      ip: req.ip,
      authRoute: !!this.authRoute(context),
      override: this.override(context),
      route: `${context.getClass().name}.${context.getHandler().name}`,
      key:
        req.principal?.keyId && req.principal.keyRateLimits
          ? { id: req.principal.keyId, rateLimits: req.principal.keyRateLimits }
          : undefined,
    });
    states.set(req, { plan, counted: [] });
    return false;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const identity = states.get(req)!.plan.identity;
    return identity.kind === 'user' ? `u:${identity.userId}` : `ip:${identity.ip}`;
  }

  protected override generateKey(context: ExecutionContext, _tracker: string, name: string): string {
    return windowOf(context, name as WindowName)!.key;
  }

  /** One window: count the hit, remember the result for the headers, reject when over the limit. */
  protected override async handleRequest({
    context,
    limit,
    ttl,
    throttler,
    blockDuration,
    getTracker,
    generateKey,
  }: ThrottlerRequest): Promise<boolean> {
    const { req } = this.getRequestResponse(context);
    const state = states.get(req)!;
    const window = state.plan.windows[throttler.name as WindowName]!;
    const tracker = await getTracker(req, context);
    const key = generateKey(context, tracker, window.name);
    let record: RateLimitRecord;
    if (this.multiWindow) {
      state.batch ??= this.countAll(this.multiWindow, state.plan);
      record = (await state.batch)[window.name]!; // present: counting stops only at a refusal, which ends this loop too
    } else {
      const raw: Partial<RateLimitRecord> & Omit<RateLimitRecord, 'resetAtMs'> = await this.storageService.increment(
        key,
        ttl,
        limit,
        blockDuration,
        window.name,
      );
      // resetAtMs: absent from other ThrottlerStorages
      record = { ...raw, resetAtMs: raw.resetAtMs ?? this.clock.now() + raw.timeToExpire * 1000 };
    }
    const counted = { window: { ...window, limit }, record };
    state.counted.push(counted);
    if (record.isBlocked) await this.throwThrottlingException(context, { limit, ttl, key, tracker, ...record });
    return true;
  }

  /**
   * With the Redis storage, the first window's call counts all of the request's windows in one round trip
   * (throttler still walks them one by one, shortest first, and stops at the first refusal — so does the script).
   */
  private async countAll(
    storage: MultiWindowStorage,
    plan: RateLimitPlan,
  ): Promise<Partial<Record<WindowName, RateLimitRecord>>> {
    const planned: PlannedWindow[] = [];
    for (const w of ALL_WINDOWS) if (plan.windows[w.name]) planned.push(plan.windows[w.name]!);
    const records = await storage.incrementWindows(planned);
    const byName: Partial<Record<WindowName, RateLimitRecord>> = {};
    for (let i = 0; i < records.length; i++) byName[planned[i].name] = records[i];
    return byName;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const { req, res } = this.getRequestResponse(context);
    const state = states.get(req)!;
    const blocked = state.counted[state.counted.length - 1];
    const now = this.clock.now();
    this.writeHeaders(res, state, blocked, now);
    // Sampled audit: only the first rejected hit of a window (counters are atomic, so one instance sees it).
    if (detail.totalHits === detail.limit + 1) this.audit(req as AuthedRequest, state.plan, blocked);
    const retryAfter = Math.max(1, Math.ceil((blocked.record.resetAtMs - now) / 1000));
    throw new AppError(
      ErrorCode.RateLimited,
      blocked.window.name.startsWith('key-')
        ? `Rate limit of this API key exceeded: ${detail.limit} requests per ${blocked.window.name.slice(4)}`
        : `Rate limit exceeded: ${detail.limit} requests per ${blocked.window.name}`,
      {
        headers: { 'retry-after': String(retryAfter) },
      },
    );
  }

  private writeHeaders(
    res: Record<string, unknown>,
    state: RequestState,
    tight: Counted | undefined,
    now: number,
  ): void {
    if (!tight) return;
    const remaining = Math.max(0, tight.window.limit - tight.record.totalHits);
    const secondsToReset = Math.max(1, Math.ceil((tight.record.resetAtMs - now) / 1000));
    this.setResponseHeader(res, 'X-RateLimit-Limit', tight.window.limit);
    this.setResponseHeader(res, 'X-RateLimit-Remaining', remaining);
    this.setResponseHeader(res, 'X-RateLimit-Reset', Math.ceil(tight.record.resetAtMs / 1000));
    // IETF draft-ietf-httpapi-ratelimit-headers: every policy, and the state of the tightest one.
    const policies = Object.values(state.plan.windows).map((w) => `"${w.name}";q=${w.limit};w=${w.ttlMs / 1000}`);
    this.setResponseHeader(res, 'RateLimit-Policy', policies.join(', '));
    this.setResponseHeader(res, 'RateLimit', `"${tight.window.name}";r=${remaining};t=${secondsToReset}`);
  }

  private audit(req: AuthedRequest, plan: RateLimitPlan, blocked: Counted): void {
    const event: SecurityEventInput = {
      type: SecurityEventType.RateLimited,
      severity: 'warning',
      userId: plan.identity.kind === 'user' ? plan.identity.userId : null,
      meta: requestMeta(req),
      details: {
        window: blocked.window.name,
        limit: blocked.window.limit,
        scope: plan.scope,
        identity: plan.identity.kind,
        method: req.method,
        path: req.url.split('?')[0],
      },
    };
    this.events.emit(SECURITY_EVENT, event);
  }
}
