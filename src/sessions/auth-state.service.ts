import { Injectable, OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { Principal, UserSnapshot } from '../common/principal';
import { RedisService } from '../redis/redis.service';
import { UserSession } from './entities/user-session.entity';
import { User } from '../users/entities/user.entity';

export interface UserState extends UserSnapshot {
  apiKeyHash: string | null;
}

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
  /** For API keys: the hash the user had when verified; a regenerated key no longer matches. */
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
 * The hot path's memory: user and session state and verified credentials, with explicit invalidation
 * (local, and through Redis pub/sub to every instance). While Redis is configured but unreachable, user and
 * session state are read from the database on every request, so a revocation elsewhere is never missed.
 */
@Injectable()
export class AuthStateService implements OnModuleInit {
  private readonly users = new LRUCache<string, UserState>({ max: 50_000, ttl: AUTH_STATE_TTL_MS });
  private readonly sessions = new LRUCache<string, SessionState>({ max: 100_000, ttl: AUTH_STATE_TTL_MS });
  private readonly verified = new LRUCache<string, VerifiedCredential>({ max: 50_000 });

  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisService,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.redis.subscribe(CHANNEL, (m) => this.apply(m));
    this.redis.onReconnect(() => this.clear());
  }

  private get cacheUsable(): boolean {
    return !this.redis.enabled || this.redis.healthy;
  }

  getVerified(credential: string): VerifiedCredential | undefined {
    const v = this.verified.get(credential);
    if (v?.exp !== undefined && v.exp * 1000 <= this.clock.now()) {
      this.verified.delete(credential);
      return undefined;
    }
    return v;
  }

  rememberVerified(credential: string, v: VerifiedCredential): void {
    this.verified.set(credential, v);
  }

  async userState(id: string): Promise<UserState | null> {
    const usable = this.cacheUsable;
    if (usable) {
      const hit = this.users.get(id);
      if (hit) return hit;
    }
    const u = await this.dataSource.getRepository(User).findOne({
      where: { id },
      select: { id: true, email: true, username: true, role: true, isActive: true, isSuspended: true, apiKeyHash: true, rateLimitPerMinute: true, rateLimitPerHour: true, rateLimitPerDay: true },
    });
    if (!u) return null;
    const state: UserState = {
      id: u.id,
      email: u.email,
      username: u.username,
      role: u.role,
      isActive: u.isActive,
      isSuspended: u.isSuspended,
      apiKeyHash: u.apiKeyHash,
      rateLimits: { perMinute: u.rateLimitPerMinute, perHour: u.rateLimitPerHour, perDay: u.rateLimitPerDay },
    };
    if (usable) this.users.set(id, state);
    return state;
  }

  private async sessionState(id: string): Promise<SessionState | null> {
    const usable = this.cacheUsable;
    if (usable) {
      const hit = this.sessions.get(id);
      if (hit) return hit;
    }
    const s = await this.dataSource.getRepository(UserSession).findOne({ where: { id }, select: { id: true, userId: true, revokedAt: true, expiresAt: true } });
    if (!s) return null;
    const state = { userId: s.userId, revoked: !!s.revokedAt, expiresAt: new Date(s.expiresAt).getTime() };
    if (usable) this.sessions.set(id, state);
    return state;
  }

  /** Turns a verified credential into the request's principal, enforcing revocation and account status. */
  async resolve(v: VerifiedCredential): Promise<Principal> {
    const user = await this.userState(v.userId);
    if (v.via === 'api_key') {
      if (!user || user.apiKeyHash !== v.keyHash) throw new AppError(ErrorCode.InvalidApiKey, 'Invalid API key');
    } else {
      if (!user) throw new AppError(ErrorCode.InvalidToken, 'User no longer exists');
      // A suspended/inactive user's token says so (403), though suspension also ended its session (CONTRACT §4).
      assertUsable(user);
      const s = v.sessionId ? await this.sessionState(v.sessionId) : null;
      if (!s || s.userId !== user.id || s.revoked || s.expiresAt <= this.clock.now())
        throw new AppError(ErrorCode.InvalidToken, 'Session has been revoked or has expired');
    }
    assertUsable(user);
    const { apiKeyHash: _omit, ...snapshot } = user;
    return { user: snapshot, sessionId: v.sessionId, tokenId: v.tokenId, via: v.via };
  }

  /** Call after any change to a user's status, role, limits, key or deletion. */
  async invalidateUser(id: string): Promise<void> {
    this.apply(JSON.stringify({ k: 'u', id }));
    await this.redis.publish(CHANNEL, JSON.stringify({ k: 'u', id }));
  }

  /** Call after a session is revoked. */
  async invalidateSession(id: string): Promise<void> {
    this.apply(JSON.stringify({ k: 's', id }));
    await this.redis.publish(CHANNEL, JSON.stringify({ k: 's', id }));
  }

  /** Call after several (or all) of a user's sessions are revoked. */
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
    else if (m.k === 'us') for (const [sid, s] of this.sessions.entries()) if (s.userId === m.id) this.sessions.delete(sid);
  }

  clear(): void {
    this.users.clear();
    this.sessions.clear();
  }
}

/** 403 for accounts that exist but may not act (CONTRACT §2). */
export function assertUsable(user: { isActive: boolean; isSuspended: boolean }): void {
  if (user.isSuspended) throw new AppError(ErrorCode.AccountSuspended, 'Account suspended');
  if (!user.isActive) throw new AppError(ErrorCode.InactiveUser, 'Inactive user');
}
