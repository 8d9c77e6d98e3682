import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { FastifyRequest } from 'fastify';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../audit/audit.events';
import { Clock } from '../common/clock';
import { requestMeta } from '../common/decorators';
import { AppError, ErrorCode } from '../common/errors';
import { Principal } from '../common/principal';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PrincipalCache, UserProfile } from '../auth/credential/principal-cache';
import { UsageBuffer } from '../auth/credential/usage-buffer';
import { extractGateCredential, GateCredential } from './gate-credentials';
import { RateLimitOutcome, GateRateLimiter, rateLimitHeaders } from './gate-rate-limiter';
import { classify, GateRoute, parseGateRoutes, parseOriginalUri } from './gate-routes';
import { GateVerifier } from './gate-verifier';
import { StreamPrincipal, StreamTokenService } from '../stream-tokens/stream-token.service';
import { UsageKind } from '../users/quota';
import { ForwardDecision, QuotaService } from './quota.service';
import { scopesOf } from '../common/scopes';
import { KeyRegistry } from '../personal-keys/key-registry.service';
import { CLASS_SCOPE, scopeHeader } from './scopes';

/** The gate's answer: identity headers and body when allowed; the error (and the rate-limit trio) when not. */
export type GateAnswer =
  | { allowed: true; headers: Record<string, string>; body: string }
  | { allowed: false; error: AppError; headers: Record<string, string> };

/** Decisions of this instance since it started, by outcome (GET /auth/admin/stats). */
export interface GateCounters {
  allowed: number;
  unauthenticated: number;
  forbidden: number;
  rate_limited: number;
  quota_exceeded: number;
}

type Maybe<T> = T | Promise<T>;
const then = <T, R>(value: Maybe<T>, next: (v: T) => Maybe<R>): Maybe<R> =>
  value instanceof Promise ? value.then(next) : next(value);

/** Header values are Latin-1: anything else (an internationalized address) is sent percent-encoded. */
const headerSafe = (v: string) => (/^[\x20-\x7e]*$/.test(v) ? v : encodeURIComponent(v));

/**
 * Forward auth: who sent the original request, may they call its route class, and does it fit their rate limits and
 * monthly quota. A cached caller is decided without a database round trip (and, in memory, without a promise).
 */
@Injectable()
export class GateService {
  private readonly routes: GateRoute[];
  readonly counters: GateCounters = {
    allowed: 0,
    unauthenticated: 0,
    forbidden: 0,
    rate_limited: 0,
    quota_exceeded: 0,
  };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly state: PrincipalCache,
    private readonly verifier: GateVerifier,
    private readonly rateLimiter: GateRateLimiter,
    private readonly quota: QuotaService,
    private readonly usage: UsageBuffer,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
    private readonly streams: StreamTokenService,
    private readonly keys: KeyRegistry,
  ) {
    this.routes = parseGateRoutes(config.gateRoutes);
  }

  decide(req: FastifyRequest): Maybe<GateAnswer> {
    let answer: Maybe<GateAnswer>;
    try {
      answer = this.authorize(req);
    } catch (err) {
      return this.refuse(req, err);
    }
    return answer instanceof Promise ? answer.catch((err: unknown) => this.refuse(req, err)) : answer;
  }

  private authorize(req: FastifyRequest): Maybe<GateAnswer> {
    const h = req.headers;
    const uri = h['x-forwarded-uri'] ?? h['x-original-uri'];
    // Without a forwarding header the call is its own original request (a direct call, or a proxy that sends none).
    const original = parseOriginalUri(typeof uri === 'string' ? uri : req.url);
    if (!original)
      throw new AppError(
        ErrorCode.BadGatewayRequest,
        'The original URI (X-Forwarded-Uri / X-Original-URI) is malformed',
      );
    const credential = extractGateCredential({
      headers: h,
      query: original.query,
      allowApiKeyQuery: this.config.allowApiKeyQuery,
    });
    if (!credential) throw new AppError(ErrorCode.NotAuthenticated, 'Not authenticated');
    const kind = classify(this.routes, original.path);
    if (credential.kind === 'stream') return this.admitStream(req, credential.value, kind);
    return then(this.principal(req, credential), (principal) => this.admit(req, principal, kind));
  }

  /**
   * A stream token: checked (signature, owner, parent session, its one scope) without spending it, decided like any
   * caller, and spent only when allowed — once on every instance; a second use is refused.
   */
  private async admitStream(req: FastifyRequest, token: string, kind: UsageKind): Promise<GateAnswer> {
    const scope = CLASS_SCOPE[kind] ?? null;
    const { claims, principal } = await this.streams.check(token);
    // Another class: consume throws the scope refusal and spends nothing.
    if (claims.scope !== scope) await this.streams.consume(token, { scope });
    const answer = await this.admit(req, principal, kind);
    if (answer.allowed) await this.streams.consume(token, { scope });
    return answer;
  }

  private principal(req: FastifyRequest, credential: GateCredential): Maybe<Principal> {
    // Each carrier accepts only its own kind: a JWT verified as a bearer token is not an API key in X-API-Key.
    const cached = this.state.getVerified(credential.value);
    if (cached && cached.via === credential.kind) return then(this.state.resolve(cached), (p) => this.withKey(p));
    return this.verifier.verify(credential).then(async (verified) => {
      this.state.rememberVerified(credential.value, verified);
      return this.withKey(await this.state.resolve(verified));
    });
  }

  /** An API key's own grant: still live with this secret, not expired; its scopes and limits go on the principal. */
  private withKey(principal: Principal): Maybe<Principal> {
    const admitted = this.keys.admit(principal);
    return admitted instanceof Promise ? admitted.then(() => principal) : principal;
  }

  private admit(req: FastifyRequest, principal: Principal | StreamPrincipal, kind: UsageKind): Maybe<GateAnswer> {
    const scopes = scopesOf(principal);
    const needed = CLASS_SCOPE[kind];
    if (needed && !scopes.includes(needed))
      throw new AppError(ErrorCode.InsufficientScope, `This credential lacks the scope "${needed}"`, {
        headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${needed}"` },
      });
    const limited = this.rateLimiter.enabled
      ? this.rateLimiter.count(
          this.rateLimiter.plan(principal.via === 'stream' ? { user: principal.user } : principal, req.ip),
        )
      : null;
    return then(limited, (rl) => {
      const trio = rl ? rateLimitHeaders(rl.tightest) : {};
      if (rl?.blocked) throw this.rateLimited(req, rl, principal.user.id);
      return then(this.state.profile(principal.user.id), (row) => {
        if (!row) throw new AppError(ErrorCode.InvalidToken, 'User no longer exists');
        return then(this.quota.forward(row, kind), (decision) =>
          this.allowed(principal, row, scopes, trio, decision, kind),
        );
      });
    });
  }

  private allowed(
    principal: Principal | StreamPrincipal,
    row: Readonly<UserProfile>,
    scopes: readonly string[],
    trio: Record<string, string>,
    decision: ForwardDecision,
    kind: UsageKind,
  ): GateAnswer {
    if (!decision.allowed) {
      this.counters.quota_exceeded++;
      const err = this.quota.exceeded(kind as Exclude<UsageKind, 'requests'>, decision.limit!);
      return { allowed: false, error: err, headers: trio };
    }
    const user = principal.user;
    this.usage.recordRequest(user.id);
    if (principal.via === 'api_key') this.usage.touchApiKey(user.id);
    else if (principal.sessionId) this.usage.touchSession(principal.sessionId);
    this.counters.allowed++;
    const headers: Record<string, string> = {
      'x-user-id': user.id,
      'x-user-name': user.username,
      'x-user-email': headerSafe(user.email),
      'x-user-role': user.role,
      'x-auth-via': principal.via,
      'x-scopes': scopeHeader(scopes),
      ...trio,
    };
    const keyId = principal.via === 'api_key' ? principal.keyId : undefined;
    if (keyId) headers['x-key-id'] = keyId;
    if (decision.remaining !== undefined) headers['x-quota-remaining'] = String(decision.remaining);
    const body = JSON.stringify({
      user_id: user.id,
      username: row.username,
      role: user.role,
      via: principal.via,
      key_id: keyId ?? null,
      scopes,
    });
    return { allowed: true, headers, body };
  }

  private rateLimited(req: FastifyRequest, rl: RateLimitOutcome, userId: string | null): AppError {
    const { window, record } = rl.tightest;
    // Sampled audit, as the API's: only the first refused hit of a window.
    if (record.totalHits === window.limit + 1) {
      const event: SecurityEventInput = {
        type: SecurityEventType.RateLimited,
        severity: 'warning',
        userId,
        meta: requestMeta(req),
        details: { window: window.name, limit: window.limit, scope: 'gate', identity: userId ? 'user' : 'ip' },
      };
      this.events.emit(SECURITY_EVENT, event);
    }
    const retryAfter = Math.max(1, Math.ceil((record.resetAtMs - this.clock.now()) / 1000));
    return new AppError(ErrorCode.RateLimited, `Rate limit exceeded: ${window.limit} requests per ${window.name}`, {
      headers: { ...rateLimitHeaders(rl.tightest), 'retry-after': String(retryAfter) },
    });
  }

  /**
   * A refusal. A failed authentication spends the client IP's anonymous budget, as on the API, so keys cannot be
   * guessed through the gate faster than any anonymous client may call.
   */
  private refuse(req: FastifyRequest, err: unknown): Maybe<GateAnswer> {
    if (!(err instanceof AppError)) throw err;
    if (err.status === 401 && this.rateLimiter.enabled) {
      return then(this.rateLimiter.count(this.rateLimiter.plan(undefined, req.ip)), (rl) => {
        if (rl.blocked) {
          this.counters.rate_limited++;
          return { allowed: false as const, error: this.rateLimited(req, rl, null), headers: {} };
        }
        this.counters.unauthenticated++;
        return { allowed: false as const, error: err, headers: rateLimitHeaders(rl.tightest) };
      });
    }
    if (err.code === ErrorCode.RateLimited) this.counters.rate_limited++;
    else if (err.status === 401) this.counters.unauthenticated++;
    else if (err.status === 403) this.counters.forbidden++;
    return { allowed: false, error: err, headers: {} };
  }
}
