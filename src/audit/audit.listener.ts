import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { isUuid } from '../common/pipes';
import { UnitOfWork } from '../database/unit-of-work';
import {
  LOGIN_ATTEMPT,
  LoginAttemptInput,
  LOGOUT,
  LogoutInput,
  SECURITY_EVENT,
  SecurityEventInput,
  SecurityEventType,
} from './audit.events';
import { normalizeIp } from './audit.mapper';
import { LoginHistory } from './entities/login-history.entity';
import { SecurityEventWriter } from './security-event-writer.service';
import { SuspiciousLoginService } from './suspicious-login.service';

/** Turns the domain events every module emits into the audit trail, so no code path has to remember to write it. */
@Injectable()
export class AuditListener {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: SecurityEventWriter,
    private readonly suspicion: SuspiciousLoginService,
    private readonly clock: Clock,
    private readonly uow: UnitOfWork,
  ) {}

  /** Fire-and-forget: queued in memory, written in batches; never fails or delays the emitter. */
  @OnEvent(SECURITY_EVENT)
  onSecurityEvent(event: SecurityEventInput): void {
    this.writer.record(event);
  }

  /** Awaited by the auth service (emitAsync): the signed-out session's login_history row gets its logout time. */
  @OnEvent(LOGOUT, { suppressErrors: false })
  async onLogout(logout: LogoutInput): Promise<void> {
    if (!isUuid(logout.sessionId)) return;
    await this.dataSource
      .createQueryBuilder()
      .update(LoginHistory)
      .set({ logoutAt: logout.at })
      .where('session_id = :sessionId AND logout_at IS NULL', { sessionId: logout.sessionId })
      .execute();
  }

  /**
   * Awaited by the auth service (emitAsync): the login_history row, flagged `suspicious` by SuspiciousLoginService,
   * plus `login_failed` or `suspicious_login` events. `login_succeeded` is emitted by AuthService.startSession itself
   * (with the session it created), so it is not written a second time here.
   */
  @OnEvent(LOGIN_ATTEMPT, { suppressErrors: false })
  async onLoginAttempt(attempt: LoginAttemptInput): Promise<void> {
    const now = this.clock.date();
    const ip = normalizeIp(attempt.meta?.ip);
    const userId = isUuid(attempt.userId) ? attempt.userId : null;
    const reasons = attempt.success && userId ? await this.suspicion.evaluate(userId, ip, now) : [];
    const insert = this.dataSource
      .createQueryBuilder()
      .insert()
      .into(LoginHistory)
      .values({
        id: randomUUID(),
        userId,
        usernameAttempted: attempt.usernameAttempted?.slice(0, 254) ?? null,
        loginAt: now,
        logoutAt: null,
        loginMethod: attempt.method,
        secondFactor: attempt.secondFactor ?? null,
        success: attempt.success,
        failureReason: attempt.success ? null : (attempt.failureReason ?? 'unknown'),
        ipAddress: ip,
        userAgent: attempt.meta?.userAgent?.slice(0, 512) ?? null,
        sessionId: isUuid(attempt.sessionId) ? attempt.sessionId : null,
        jwtJti: attempt.jwtJti?.slice(0, 64) ?? null,
        suspicious: reasons.length > 0,
      })
      .updateEntity(false);
    if (!reasons.length) await insert.execute();
    else
      // A flagged sign-in is a `security.alert` (its notice mail commits with the history row).
      await this.uow.run(function* (unit) {
        yield* unit.write(insert);
        yield* unit.publish({
          name: 'security.alert',
          payload: {
            alert: 'suspicious_login',
            reason: 'suspicious_login',
            user_id: userId,
            ip,
            session_id: attempt.sessionId ?? null,
            reasons,
          },
        });
      });

    if (!attempt.success)
      this.writer.record({
        type: SecurityEventType.LoginFailed,
        userId,
        meta: attempt.meta,
        details: {
          username_attempted: attempt.usernameAttempted?.slice(0, 254) ?? null,
          reason: attempt.failureReason ?? 'unknown',
          method: attempt.method,
          ...(attempt.secondFactor ? { second_factor: attempt.secondFactor } : {}),
        },
      });
    if (reasons.length)
      this.writer.record({
        type: SecurityEventType.SuspiciousLogin,
        severity: 'warning',
        userId,
        meta: attempt.meta,
        details: { reasons, session_id: attempt.sessionId ?? null, method: attempt.method },
      });
  }
}
