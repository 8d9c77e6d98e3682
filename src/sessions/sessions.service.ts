import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { DataSource, In, IsNull, Not, Repository } from 'typeorm';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../audit/audit.events';
import { AuthStateService } from './auth-state.service';
import { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import { RequestMetadata } from '../common/principal';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { toDbTime } from '../database/columns';
import { iso } from '../users/user.mapper';
import { RevokedToken } from './entities/revoked-token.entity';
import { UserSession } from './entities/user-session.entity';

/** Presenting the refresh token a rotation just replaced, within this window, is a benign race (not reuse). */
export const REFRESH_REUSE_GRACE_MS = 10_000;

export type RotationResult =
  | { ok: true; session: UserSession }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'grace' | 'reuse'; session?: UserSession };

@Injectable()
export class SessionsService {
  readonly repo: Repository<UserSession>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly state: AuthStateService,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.repo = dataSource.getRepository(UserSession);
  }

  async create(
    userId: string,
    meta: Partial<RequestMetadata>,
    opts: { deviceName?: string | null; method?: string; amr?: string[] } = {},
  ): Promise<UserSession> {
    const now = this.clock.date();
    const session = this.repo.create({
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
    await this.repo.insert(session);
    return session;
  }

  async setAccessJti(sessionId: string, jti: string): Promise<void> {
    await this.repo.update({ id: sessionId }, { accessTokenJti: jti });
  }

  /**
   * Refresh rotation as one compare-and-swap on the session's current refresh jti: of N concurrent
   * refreshes with one token exactly one matches. A superseded jti outside the grace revokes the session.
   */
  async rotate(sessionId: string, presentedJti: string, userId: string): Promise<RotationResult & { newJti?: string }> {
    const now = this.clock.date();
    const newJti = randomUUID();
    const res = await this.repo
      .createQueryBuilder()
      .update(UserSession)
      .set({ refreshTokenJti: newJti, previousRefreshJti: presentedJti, rotatedAt: now, lastActiveAt: now })
      .where(
        'id = :id AND user_id = :userId AND refresh_token_jti = :jti AND revoked_at IS NULL AND expires_at > :now',
        {
          id: sessionId,
          userId,
          jti: presentedJti,
          now: toDbTime(now, this.dataSource.options.type === 'postgres'),
        },
      )
      .execute();
    if (res.affected === 1) return { ok: true, session: await this.repo.findOneByOrFail({ id: sessionId }), newJti };

    const session = await this.repo.findOneBy({ id: sessionId, userId });
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

  /** Revokes one session (idempotent); its tokens stop working on the next request, on every instance. */
  async revoke(
    sessionId: string,
    reason: string,
    audit?: { actorId?: string; meta?: Partial<RequestMetadata> },
  ): Promise<boolean> {
    const session = await this.repo.findOneBy({ id: sessionId });
    if (!session || session.revokedAt) return false;
    const now = this.clock.date();
    const res = await this.repo.update(
      { id: sessionId, revokedAt: IsNull() },
      { revokedAt: now, revokedReason: reason },
    );
    if (!res.affected) return false;
    await this.blacklist([session], reason, now);
    await this.state.invalidateSession(sessionId);
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
  async revokeAll(userId: string, reason: string, exceptId?: string): Promise<number> {
    const live = await this.repo.find({
      where: { userId, revokedAt: IsNull(), ...(exceptId ? { id: Not(exceptId) } : {}) },
    });
    if (!live.length) return 0;
    const now = this.clock.date();
    const res = await this.repo.update(
      { id: In(live.map((s) => s.id)), revokedAt: IsNull() },
      { revokedAt: now, revokedReason: reason },
    );
    await this.blacklist(live, reason, now);
    await this.state.invalidateUserSessions(userId);
    return res.affected ?? live.length;
  }

  /** Seed 002's revoked_tokens rows for the session's current jtis (kept until they would have expired). */
  private async blacklist(sessions: UserSession[], reason: string, now: Date): Promise<void> {
    const rows: Partial<RevokedToken>[] = [];
    for (const s of sessions) {
      if (s.accessTokenJti)
        rows.push({
          jti: s.accessTokenJti,
          tokenType: 'access',
          userId: s.userId,
          sessionId: s.id,
          revokedAt: now,
          reason,
          expiresAt: new Date(now.getTime() + this.config.jwt.accessTtlSeconds * 1000),
        });
      rows.push({
        jti: s.refreshTokenJti,
        tokenType: 'refresh',
        userId: s.userId,
        sessionId: s.id,
        revokedAt: now,
        reason,
        expiresAt: s.expiresAt,
      });
    }
    if (rows.length)
      await this.dataSource.createQueryBuilder().insert().into(RevokedToken).values(rows).orIgnore().execute();
  }

  async listForUser(userId: string, opts: { includeRevoked?: boolean } = {}): Promise<UserSession[]> {
    const now = this.clock.date();
    const sessions = await this.repo.find({
      where: { userId, ...(opts.includeRevoked ? {} : { revokedAt: IsNull() }) },
      order: { createdAt: 'DESC' },
      take: 200,
    });
    return opts.includeRevoked ? sessions : sessions.filter((s) => new Date(s.expiresAt) > now);
  }

  async getOwned(userId: string, sessionId: string): Promise<UserSession> {
    const s = await this.repo.findOneBy({ id: sessionId, userId });
    if (!s) throw AppError.notFound('Session');
    return s;
  }

  emit(event: SecurityEventInput): void {
    this.events.emit(SECURITY_EVENT, event);
  }
}

export function toSessionOut(s: UserSession, currentId?: string) {
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
