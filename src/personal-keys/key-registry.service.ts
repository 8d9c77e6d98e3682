import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { Principal } from '../common/principal';
import { ReadThroughCache } from '../common/read-through-cache';
import { RedisService } from '../redis/redis.service';
import { ApiKeyEvent, ApiKeyEventPayload } from '../common/domain-events';
import { UnitOfWork } from '../database/unit-of-work';
import { Role } from '../users/users.enums';
import { PersonalKey } from './entities/personal-key.entity';
import { KeyUsage } from './key-usage.service';
import { PersonalKeysRepository } from './personal-keys.repository';
import { ADMIN_ONLY_SCOPES, ROLE_SCOPES, Scope } from '../common/scopes';

/** Every domain event after which a user's cached keys are stale. */
const KEY_EVENTS: ReadonlySet<string> = new Set(Object.values(ApiKeyEvent));

/** What a request may do with a key: cached per user, frozen, no secret (hashes only). */
export interface KeyGrant {
  readonly id: string;
  readonly name: string;
  readonly hash: string;
  readonly previousHash: string | null;
  readonly previousUntil: number | null;
  readonly expiresAt: number | null;
  /** The key's effective scopes for an owner of each role (admin-only scopes drop when the owner is not an admin). */
  readonly scopes: Readonly<Record<Role, readonly Scope[]>>;
  readonly rateLimits?: Readonly<{ perMinute: number | null; perHour: number | null; perDay: number | null }>;
}

const CHANNEL = 'voicegate:personal-keys';
/** As long as the principal cache keeps a user: a missed invalidation heals itself within this time. */
const KEYS_TTL_MS = 5_000;

export function parseScopes(stored: string | null): readonly Scope[] | null {
  return stored === null ? null : (stored.split(' ').filter(Boolean) as Scope[]);
}

export function toGrant(k: PersonalKey): KeyGrant {
  const own = parseScopes(k.scopes);
  const forUser = (own ?? ROLE_SCOPES[Role.User]).filter((s) => !ADMIN_ONLY_SCOPES.includes(s));
  const hasLimits = k.rateLimitPerMinute !== null || k.rateLimitPerHour !== null || k.rateLimitPerDay !== null;
  return Object.freeze({
    id: k.id,
    name: k.name,
    hash: k.keyHash,
    previousHash: k.previousKeyHash,
    previousUntil: k.previousExpiresAt ? new Date(k.previousExpiresAt).getTime() : null,
    expiresAt: k.expiresAt ? new Date(k.expiresAt).getTime() : null,
    scopes: Object.freeze({
      [Role.Admin]: Object.freeze([...(own ?? ROLE_SCOPES[Role.Admin])]),
      [Role.User]: Object.freeze(forUser),
    }),
    rateLimits: hasLimits
      ? Object.freeze({ perMinute: k.rateLimitPerMinute, perHour: k.rateLimitPerHour, perDay: k.rateLimitPerDay })
      : undefined,
  });
}

/**
 * The keys of recently seen users, so a request with an API key is decided without a database round trip. Dropped
 * on every key event (on every instance, through Redis) and re-read at least every few seconds; while Redis is
 * configured but unreachable every request reads the database, so a revocation elsewhere is never missed.
 */
@Injectable()
export class KeyRegistry implements OnModuleInit {
  private readonly byUser = new ReadThroughCache<ReadonlyMap<string, KeyGrant>>({
    max: 50_000,
    ttl: KEYS_TTL_MS,
  });

  constructor(
    private readonly repo: PersonalKeysRepository,
    private readonly redis: RedisService,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
    private readonly usage: KeyUsage,
  ) {}

  async onModuleInit(): Promise<void> {
    // Awaited by the change that published the event: every instance has been told before it answers.
    this.uow.onCommitted((event) =>
      KEY_EVENTS.has(event.name) ? this.invalidate((event.payload as ApiKeyEventPayload).user_id) : undefined,
    );
    await this.redis.subscribe(CHANNEL, (userId) => this.byUser.delete(userId));
    this.redis.onReconnect(() => this.byUser.clear());
  }

  private get cacheUsable(): boolean {
    return !this.redis.enabled || this.redis.healthy;
  }

  /**
   * Puts the key's scopes and own limits on an API-key principal and counts the key's use; 401 when the key was
   * deleted, rolled out or expired. Synchronous when the user's keys are cached. A JWT principal is left alone.
   */
  admit(principal: Principal, now = this.clock.now()): void | Promise<void> {
    if (principal.via !== 'api_key' || !principal.keyId) return;
    const grant = this.check(principal, now);
    if (grant instanceof Promise) return grant.then((g) => this.grantTo(principal, g, this.clock.now()));
    this.grantTo(principal, grant, now);
  }

  private grantTo(principal: Principal, grant: KeyGrant, now: number): void {
    principal.scopes = grant.scopes[principal.user.role];
    principal.keyRateLimits = grant.rateLimits;
    this.usage.touch(grant.id, now);
  }

  /** The grant of the principal's key, or 401 (deleted, rolled out, expired). Synchronous when cached. */
  check(p: Pick<Principal, 'user' | 'keyId' | 'keyHash'>, now = this.clock.now()): KeyGrant | Promise<KeyGrant> {
    const keys = this.cacheUsable ? this.byUser.get(p.user.id) : undefined;
    if (keys) return this.decide(keys, p, now);
    return this.load(p.user.id).then((loaded) => this.decide(loaded, p, this.clock.now()));
  }

  private load(userId: string): Promise<ReadonlyMap<string, KeyGrant>> {
    return this.byUser.load(
      userId,
      async () => new Map((await this.repo.listForUser(userId)).map((k) => [k.id, toGrant(k)])),
      this.cacheUsable,
    );
  }

  private decide(keys: ReadonlyMap<string, KeyGrant>, p: Pick<Principal, 'keyId' | 'keyHash'>, now: number): KeyGrant {
    const grant = p.keyId ? keys.get(p.keyId) : undefined;
    if (
      !grant ||
      (grant.hash !== p.keyHash &&
        !(grant.previousHash === p.keyHash && grant.previousUntil !== null && grant.previousUntil > now))
    )
      throw new AppError(ErrorCode.InvalidApiKey, 'Invalid API key');
    if (grant.expiresAt !== null && grant.expiresAt <= now)
      throw new AppError(ErrorCode.ApiKeyExpired, 'API key expired', {
        headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="API key expired"' },
      });
    return grant;
  }

  /** Drops the user's keys here and on every instance. */
  async invalidate(userId: string): Promise<void> {
    this.byUser.delete(userId);
    await this.redis.publish(CHANNEL, userId);
  }
}
