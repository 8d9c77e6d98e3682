import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../audit/audit.events';
import { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import { RequestMetadata } from '../common/principal';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainEvent } from '../database/unit-of-work';
import { iso } from '../common/iso';
import { UserSession } from './entities/user-session.entity';
import { SessionResponseDto } from './dto/session-response.dto';
import { SessionsRepository } from './sessions.repository';

/** Presenting the refresh token a rotation just replaced, within this window, is a benign race (not reuse). */
export const REFRESH_REUSE_GRACE_MS = 10_000;

export type RotationResult =
  | { ok: true; session: UserSession }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'grace' | 'reuse'; session?: UserSession };

@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(
    userId: string,
    meta: Partial<RequestMetadata>,
    opts: { deviceName?: string | null; method?: string; amr?: string[] } = {},
  ): Promise<UserSession> {
    const now = this.clock.date();
    const session = Object.assign(new UserSession(), {
      id: randomUUID(),
      userId,
      refreshTokenJti: randomUUID(),
      loginMethod: opts.method ?? 'password',
      amr: opts.amr?.join(',') ?? null,
      ipAddress: meta.ip ?? null,
      userAgent: meta.userAgent ?? null,
      deviceName: opts.deviceName?.slice(0, 100) ?? null,
      createdAt: now,
      lastActiveAt: now,
      expiresAt: new Date(now.getTime() + this.config.jwt.refreshTtlSeconds * 1000),
    });
    await this.sessions.insert(session);
    return session;
  }

  setAccessJti(sessionId: string, jti: string): Promise<void> {
    return this.sessions.setAccessJti(sessionId, jti);
  }

  /**
   * Refresh rotation (one compare-and-swap, see SessionsRepository.rotate). A superseded jti presented again
   * within the grace is a benign race; outside it, reuse (the caller revokes the session).
   */
  async rotate(sessionId: string, presentedJti: string, userId: string): Promise<RotationResult & { newJti?: string }> {
    const now = this.clock.date();
    const newJti = randomUUID();
    if (await this.sessions.rotate(sessionId, userId, presentedJti, newJti, now)) {
      const session = await this.sessions.findById(sessionId);
      if (session) return { ok: true, session, newJti };
    }
    const session = await this.sessions.findOwned(userId, sessionId);
    if (!session) return { ok: false, reason: 'unknown' };
    if (session.revokedAt) return { ok: false, reason: 'revoked', session };
    if (new Date(session.expiresAt).getTime() <= now.getTime()) return { ok: false, reason: 'expired', session };
    if (
      session.previousRefreshJti === presentedJti &&
      session.rotatedAt &&
      now.getTime() - new Date(session.rotatedAt).getTime() <= REFRESH_REUSE_GRACE_MS
    )
      return { ok: false, reason: 'grace', session };
    return { ok: false, reason: 'reuse', session };
  }

  /**
   * Revokes one session (idempotent); its tokens stop working on the next request, on every instance. Publishes
   * `session.revoked`, and `events` (e.g. the security alert that caused it), with the revocation.
   */
  async revoke(
    sessionId: string,
    reason: string,
    audit?: { actorId?: string; meta?: Partial<RequestMetadata> },
    events: DomainEvent[] = [],
  ): Promise<boolean> {
    const session = await this.sessions.findById(sessionId);
    if (!session || session.revokedAt) return false;
    if (!(await this.sessions.revoke(session, reason, this.clock.date(), this.accessTtlMs, events))) return false;
    if (audit)
      this.emit({
        type: SecurityEventType.SessionRevoked,
        userId: session.userId,
        actorId: audit.actorId,
        meta: audit.meta,
        details: { session_id: sessionId, reason },
      });
    return true;
  }

  /** Revokes every live session of a user, except `exceptId`; returns how many. */
  revokeAll(userId: string, reason: string, exceptId?: string): Promise<number> {
    return this.sessions.revokeAll(userId, reason, this.clock.date(), this.accessTtlMs, exceptId);
  }

  private get accessTtlMs(): number {
    return this.config.jwt.accessTtlSeconds * 1000;
  }

  async listForUser(userId: string, opts: { includeRevoked?: boolean } = {}): Promise<UserSession[]> {
    const now = this.clock.date();
    const sessions = await this.sessions.listForUser(userId, !!opts.includeRevoked);
    return opts.includeRevoked ? sessions : sessions.filter((s) => new Date(s.expiresAt) > now);
  }

  countLive(): Promise<number> {
    return this.sessions.countLive(this.clock.date());
  }

  async getOwned(userId: string, sessionId: string): Promise<UserSession> {
    const s = await this.sessions.findOwned(userId, sessionId);
    if (!s) throw AppError.notFound('Session');
    return s;
  }

  emit(event: SecurityEventInput): void {
    this.events.emit(SECURITY_EVENT, event);
  }
}

export function toSessionOut(s: UserSession, currentId?: string): SessionResponseDto {
  return {
    id: s.id,
    ip_address: s.ipAddress,
    user_agent: s.userAgent,
    device_name: s.deviceName,
    login_method: s.loginMethod,
    created_at: iso(s.createdAt),
    last_active_at: iso(s.lastActiveAt),
    expires_at: iso(s.expiresAt),
    revoked_at: iso(s.revokedAt),
    current: s.id === currentId,
  };
}
