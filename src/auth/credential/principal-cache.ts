import { Injectable, OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { hash } from 'node:crypto';
import { Clock } from '../../common/clock';
import { UserEvent } from '../../common/domain-events';
import { AppError, ErrorCode } from '../../common/errors';
import { Principal, UserSnapshot } from '../../common/principal';
import { ReadThroughCache } from '../../common/read-through-cache';
import { DomainEvent, UnitOfWork } from '../../database/unit-of-work';
import { RedisService } from '../../redis/redis.service';
import { SessionsRepository } from '../../sessions/sessions.repository';
import { User } from '../../users/entities/user.entity';
import { UsersRepository } from '../../users/users.repository';

/** A user's row without its secrets: what GET /auth/me shows, cached beside the auth state. */
export type UserProfile = Omit<User, 'hashedPassword'>;

export interface UserState {
  /** Frozen and shared by every principal of this user until the next change. */
  snapshot: Readonly<UserSnapshot>;
  profile: Readonly<UserProfile>;
}

/** Cached users are bounded by an estimate of their size (free-form settings can reach 16 KB each). */
const USER_CACHE_BYTES = 64 * 1024 * 1024;
const userStateSize = (s: UserState) => 1024 + (s.profile.settings ? JSON.stringify(s.profile.settings).length : 0);

/** Verified credentials are cached under a digest of the credential, so no cache entry holds a token or API key. */
const digest = (credential: string) => hash('sha256', credential, 'binary');

interface SessionState {
  userId: string;
  revoked: boolean;
  expiresAt: number;
}

/** A credential whose signature/hash was checked; what is cached per token so passport runs once per token. */
export interface VerifiedCredential {
  via: 'jwt' | 'api_key';
  userId: string;
  sessionId?: string;
  tokenId?: string;
  /** JWT expiry, epoch seconds. */
  exp?: number;
  /** For API keys: the key's id and the hash presented (the key's grant is checked per request, see KeyAccessGuard). */
  keyId?: string;
  keyHash?: string;
}

const CHANNEL = 'voicegate:invalidate';
/**
 * Cached user and session state is re-read from the database at least this often. Invalidation is immediate when it
 * arrives; this bounds staleness when it cannot (the changing instance is cut off from Redis while this one is not,
 * or another process — the operator CLI without Redis — changed the database).
 */
export const AUTH_STATE_TTL_MS = 5_000;

/**
 * The hot path's memory: user and session state and verified credentials. It hears every committed domain event
 * of a user, session or key and drops what the event is about, here and (through Redis pub/sub) on every
 * instance, before the request that made the change answers: no feature has to tell it. While Redis is configured
 * but unreachable, user and session state are read from the database on every request, so a revocation elsewhere
 * is never missed.
 */
@Injectable()
export class PrincipalCache implements OnModuleInit {
  private readonly users = new ReadThroughCache<UserState>({
    max: 50_000,
    maxSize: USER_CACHE_BYTES,
    sizeCalculation: userStateSize,
    ttl: AUTH_STATE_TTL_MS,
  });
  private readonly sessions = new ReadThroughCache<SessionState>({ max: 100_000, ttl: AUTH_STATE_TTL_MS });
  private readonly verified = new LRUCache<string, VerifiedCredential>({ max: 50_000 });

  constructor(
    private readonly userRows: UsersRepository,
    private readonly sessionRows: SessionsRepository,
    private readonly redis: RedisService,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    this.uow.onCommitted((event) => this.hear(event));
    await this.redis.subscribe(CHANNEL, (m) => this.apply(m));
    this.redis.onReconnect(() => this.clear());
  }

  /**
   * What a committed event makes stale: the user it names (any event with a `user_id`: status, profile, key,
   * counters), the session it names, and all of the user's sessions when they were revoked together or deleted.
   */
  private async hear(event: DomainEvent): Promise<void> {
    const p = event.payload as { user_id?: unknown; session_id?: unknown };
    if (typeof p.user_id === 'string') {
      await this.invalidateUser(p.user_id);
      if (event.name === UserEvent.SessionsRevoked || event.name === UserEvent.Deleted)
        await this.invalidateUserSessions(p.user_id);
    }
    if (typeof p.session_id === 'string') await this.invalidateSession(p.session_id);
  }

  private get cacheUsable(): boolean {
    return !this.redis.enabled || this.redis.healthy;
  }

  getVerified(credential: string): VerifiedCredential | undefined {
    const key = digest(credential);
    const v = this.verified.get(key);
    if (v?.exp !== undefined && v.exp * 1000 <= this.clock.now()) {
      this.verified.delete(key);
      return undefined;
    }
    return v;
  }

  rememberVerified(credential: string, v: VerifiedCredential): void {
    this.verified.set(digest(credential), v);
  }

  private cachedUser(id: string): UserState | undefined {
    return this.cacheUsable ? this.users.get(id) : undefined;
  }

  async userState(id: string): Promise<UserState | null> {
    return this.cachedUser(id) ?? this.loadUser(id);
  }

  /**
   * The user's row as GET /auth/me shows it, from the same cache (and invalidation) as the auth state; synchronous
   * when cached, as it is right after the guard resolved the same user.
   */
  profile(id: string): Readonly<UserProfile> | null | Promise<Readonly<UserProfile> | null> {
    const cached = this.cachedUser(id);
    if (cached) return cached.profile;
    return this.loadUser(id).then((state) => state?.profile ?? null);
  }

  private loadUser(id: string): Promise<UserState | null> {
    return this.users.load(id, () => this.readUser(id), this.cacheUsable);
  }

  private async readUser(id: string): Promise<UserState | null> {
    const u = await this.userRows.findWithoutPassword(id);
    if (!u) return null;
    const { hashedPassword: _none, ...profile } = u;
    const state: UserState = {
      snapshot: Object.freeze({
        id: u.id,
        email: u.email,
        username: u.username,
        role: u.role,
        isActive: u.isActive,
        isSuspended: u.isSuspended,
        rateLimits: Object.freeze({
          perMinute: u.rateLimitPerMinute,
          perHour: u.rateLimitPerHour,
          perDay: u.rateLimitPerDay,
        }),
      }),
      profile: Object.freeze(profile),
    };
    return state;
  }

  private async sessionState(id: string): Promise<SessionState | null> {
    return (this.cacheUsable ? this.sessions.get(id) : undefined) ?? this.loadSession(id);
  }

  private loadSession(id: string): Promise<SessionState | null> {
    return this.sessions.load(
      id,
      async () => {
        const s = await this.sessionRows.findState(id);
        return s && { userId: s.userId, revoked: !!s.revokedAt, expiresAt: new Date(s.expiresAt).getTime() };
      },
      this.cacheUsable,
    );
  }

  /**
   * Turns a verified credential into the request's principal, enforcing revocation and account status.
   * When the user (and session) are cached — the common case — this is synchronous: no promise, no tick.
   */
  resolve(v: VerifiedCredential): Principal | Promise<Principal> {
    const usable = this.cacheUsable;
    const user = usable ? this.users.get(v.userId) : undefined;
    const session = usable && v.sessionId ? this.sessions.get(v.sessionId) : undefined;
    if (user && (v.via === 'api_key' || session)) return this.principal(v, user, session ?? null);
    return this.resolveLoading(v, user);
  }

  private async resolveLoading(v: VerifiedCredential, cached: UserState | undefined): Promise<Principal> {
    const user = cached ?? (await this.loadUser(v.userId));
    const session = v.via === 'jwt' && user && v.sessionId ? await this.sessionState(v.sessionId) : null;
    return this.principal(v, user, session);
  }

  private principal(v: VerifiedCredential, user: UserState | null, session: SessionState | null): Principal {
    if (v.via === 'api_key') {
      if (!user) throw new AppError(ErrorCode.InvalidApiKey, 'Invalid API key');
    } else {
      if (!user) throw new AppError(ErrorCode.InvalidToken, 'User no longer exists');
      // A suspended/inactive user's token says so (403), though suspension also ended its session.
      assertUsable(user.snapshot);
      if (!session || session.userId !== user.snapshot.id || session.revoked || session.expiresAt <= this.clock.now())
        throw new AppError(ErrorCode.InvalidToken, 'Session has been revoked or has expired');
    }
    assertUsable(user.snapshot);
    return {
      user: user.snapshot,
      sessionId: v.sessionId,
      tokenId: v.tokenId,
      via: v.via,
      keyId: v.keyId,
      keyHash: v.keyHash,
    };
  }

  /** Drops a user's cached state on every instance (through Redis when configured). */
  async invalidateUser(id: string): Promise<void> {
    this.apply(JSON.stringify({ k: 'u', id }));
    await this.redis.publish(CHANNEL, JSON.stringify({ k: 'u', id }));
  }

  /** Taken before a write whose effect `applyWritten` will apply (see ReadThroughCache.update). */
  beforeWrite(): number {
    return this.users.point();
  }

  /**
   * This instance only: a change to a user's row that it just wrote and knows the effect of (buffered usage counts),
   * applied to the cached row; other instances catch up within the state TTL. Applying, not dropping: re-reading
   * every active caller after each flush would cost as many database reads as there are callers, at once. `before`
   * is `beforeWrite()`'s point: a row read after it may already hold the change and is dropped instead.
   */
  applyWritten(id: string, change: (profile: Readonly<UserProfile>) => UserProfile, before: number): void {
    this.users.update(
      id,
      (state) => ({ snapshot: state.snapshot, profile: Object.freeze(change(state.profile)) }),
      before,
    );
  }

  /** Drops a session's cached state on every instance. */
  async invalidateSession(id: string): Promise<void> {
    this.apply(JSON.stringify({ k: 's', id }));
    await this.redis.publish(CHANNEL, JSON.stringify({ k: 's', id }));
  }

  /** Drops every cached session of a user on every instance. */
  async invalidateUserSessions(userId: string): Promise<void> {
    this.apply(JSON.stringify({ k: 'us', id: userId }));
    await this.redis.publish(CHANNEL, JSON.stringify({ k: 'us', id: userId }));
  }

  private apply(message: string): void {
    let m: { k?: string; id?: string };
    try {
      m = JSON.parse(message);
    } catch {
      return;
    }
    if (!m.id) return;
    if (m.k === 'u') this.users.delete(m.id);
    else if (m.k === 's') this.sessions.delete(m.id);
    else if (m.k === 'us') this.sessions.deleteWhere((s) => s.userId === m.id);
  }

  clear(): void {
    this.users.clear();
    this.sessions.clear();
  }
}

/** 403 for accounts that exist but may not act: suspended first, then inactive. */
export function assertUsable(user: { isActive: boolean; isSuspended: boolean }): void {
  if (user.isSuspended) throw new AppError(ErrorCode.AccountSuspended, 'Account suspended');
  if (!user.isActive) throw new AppError(ErrorCode.InactiveUser, 'Inactive user');
}
