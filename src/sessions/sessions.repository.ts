import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull, Repository } from 'typeorm';
import { SessionEvent, UserEvent } from '../common/domain-events';
import { fromDbTime } from '../database/columns';
import { dialectOf, Dialect } from '../database/dialect';
import { DomainEvent, EventUnit, UnitOfWork, UnitSteps } from '../database/unit-of-work';
import { RevokedToken } from './entities/revoked-token.entity';
import { UserSession } from './entities/user-session.entity';

/**
 * The user_sessions table (and the revoked-token list written with it): every query and write. Revocations
 * publish `session.revoked` / `user.sessions_revoked` in the unit that ends the sessions.
 */
@Injectable()
export class SessionsRepository {
  private readonly rows: Repository<UserSession>;
  private readonly dialect: Dialect;

  constructor(
    dataSource: DataSource,
    private readonly uow: UnitOfWork,
  ) {
    this.rows = dataSource.getRepository(UserSession);
    this.dialect = dialectOf(dataSource);
  }

  // ---- reads

  findById(id: string): Promise<UserSession | null> {
    return this.rows.findOneBy({ id });
  }

  findOwned(userId: string, id: string): Promise<UserSession | null> {
    return this.rows.findOneBy({ id, userId });
  }

  /** What the principal cache keeps of a session. */
  findState(id: string): Promise<Pick<UserSession, 'id' | 'userId' | 'revokedAt' | 'expiresAt'> | null> {
    return this.rows.findOne({ where: { id }, select: { id: true, userId: true, revokedAt: true, expiresAt: true } });
  }

  /** The user's sessions, newest first (at most 200), live ones only unless `includeRevoked`. */
  listForUser(userId: string, includeRevoked: boolean): Promise<UserSession[]> {
    return this.rows.find({
      where: { userId, ...(includeRevoked ? {} : { revokedAt: IsNull() }) },
      order: { createdAt: 'DESC' },
      take: 200,
    });
  }

  async countLive(now: Date): Promise<number> {
    const raw = await this.rows
      .createQueryBuilder('s')
      .select('COUNT(*)', 'n')
      .where('s.revoked_at IS NULL AND s.expires_at > :now', { now: this.dialect.time(now) })
      .getRawOne<{ n: unknown }>();
    return Number(raw?.n ?? 0) || 0;
  }

  // ---- writes

  async insert(session: UserSession): Promise<void> {
    await this.rows.insert(session);
  }

  async setAccessJti(id: string, jti: string): Promise<void> {
    await this.rows.update({ id }, { accessTokenJti: jti });
  }

  /**
   * Refresh rotation as one compare-and-swap on the session's current refresh jti: of N concurrent refreshes
   * with one token exactly one matches. Returns the rotated session, or null when nothing matched.
   */
  async rotate(id: string, userId: string, presentedJti: string, newJti: string, now: Date): Promise<boolean> {
    const res = await this.rows
      .createQueryBuilder()
      .update(UserSession)
      .set({ refreshTokenJti: newJti, previousRefreshJti: presentedJti, rotatedAt: now, lastActiveAt: now })
      .where(
        'id = :id AND user_id = :userId AND refresh_token_jti = :jti AND revoked_at IS NULL AND expires_at > :now',
        { id, userId, jti: presentedJti, now: this.dialect.time(now) },
      )
      .execute();
    return res.affected === 1;
  }

  /**
   * Ends one live session and lists its tokens as revoked until they would have expired, in one unit; publishes
   * `session.revoked`, and `events` (e.g. the security alert that caused it), with the revocation. False when it had
   * already ended.
   */
  revoke(
    session: UserSession,
    reason: string,
    now: Date,
    accessTtlMs: number,
    events: DomainEvent[] = [],
  ): Promise<boolean> {
    return this.uow.run(function* (unit) {
      const ended = yield* unit.write(
        unit.em
          .createQueryBuilder()
          .update(UserSession)
          .set({ revokedAt: now, revokedReason: reason })
          .where('id = :id AND revoked_at IS NULL', { id: session.id }),
      );
      if (!ended) return false;
      yield* blacklist(unit, [session], reason, now, accessTtlMs);
      yield* unit.publish({
        name: SessionEvent.Revoked,
        payload: { user_id: session.userId, session_id: session.id, reason },
      });
      for (const event of events) yield* unit.publish(event);
      return true;
    });
  }

  /** Ends every live session of a user but `exceptId`; publishes `user.sessions_revoked`. Returns how many. */
  async revokeAll(userId: string, reason: string, now: Date, accessTtlMs: number, exceptId?: string): Promise<number> {
    return this.uow.run((unit) => SessionsRepository.revokeAllIn(unit, { userId, reason, now, accessTtlMs, exceptId }));
  }

  /**
   * Steps that end every live session of a user (but `exceptId`) inside the caller's unit: the sessions, their
   * tokens on the revoked list, one `user.sessions_revoked`. Returns how many ended.
   */
  static *revokeAllIn(
    unit: EventUnit,
    input: { userId: string; reason: string; now: Date; accessTtlMs: number; exceptId?: string },
  ): UnitSteps<number> {
    const { userId, reason, now, accessTtlMs, exceptId } = input;
    const live = yield* unit.read<{
      id: string;
      access_token_jti: string | null;
      refresh_token_jti: string;
      expires_at: Date | string;
    }>({
      sql: `SELECT id, access_token_jti, refresh_token_jti, expires_at FROM user_sessions
             WHERE user_id = :userId AND revoked_at IS NULL${exceptId ? ' AND id <> :exceptId' : ''}`,
      params: { userId, ...(exceptId ? { exceptId } : {}) },
    });
    if (!live.length) return 0;
    const ids = live.map((s) => s.id);
    const ended = yield* unit.write(
      unit.em
        .createQueryBuilder()
        .update(UserSession)
        .set({ revokedAt: now, revokedReason: reason })
        .where({ id: In(ids), revokedAt: IsNull() }),
    );
    const sessions = live.map((s) => ({
      id: s.id,
      userId,
      accessTokenJti: s.access_token_jti,
      refreshTokenJti: s.refresh_token_jti,
      expiresAt: fromDbTime(s.expires_at),
    }));
    yield* blacklist(unit, sessions, reason, now, accessTtlMs);
    yield* unit.publish({ name: UserEvent.SessionsRevoked, payload: { user_id: userId, session_ids: ids, reason } });
    return ended;
  }

  /** Steps that stamp a session's last activity (the usage buffer's unit); ended sessions keep their stamp. */
  *touch(unit: EventUnit, id: string, at: Date): UnitSteps<void> {
    yield* unit.write(
      unit.em
        .createQueryBuilder()
        .update(UserSession)
        .set({ lastActiveAt: at })
        .where('id = :id AND revoked_at IS NULL', { id }),
    );
  }
}

/** The revoked_tokens rows for the sessions' current jtis (kept until the tokens would have expired). */
function* blacklist(
  unit: EventUnit,
  sessions: Pick<UserSession, 'id' | 'userId' | 'accessTokenJti' | 'refreshTokenJti' | 'expiresAt'>[],
  reason: string,
  now: Date,
  accessTtlMs: number,
): UnitSteps<void> {
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
        expiresAt: new Date(now.getTime() + accessTtlMs),
      });
    rows.push({
      jti: s.refreshTokenJti,
      tokenType: 'refresh',
      userId: s.userId,
      sessionId: s.id,
      revokedAt: now,
      reason,
      expiresAt: new Date(s.expiresAt),
    });
  }
  if (rows.length)
    yield* unit.write(
      unit.em.createQueryBuilder().insert().into(RevokedToken).values(rows).orIgnore().updateEntity(false),
    );
}
