import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { toDbTime } from '../database/columns';
import { SecurityEventType } from './audit.events';
import { LoginHistory } from './entities/login-history.entity';
import { SecurityEvent } from './entities/security-event.entity';
import { SecurityEventWriter } from './security-event-writer.service';
import { dialectOf } from '../database/dialect';

/** Suspicious: ≥3 failures in the last hour, then a success from an IP never used for a successful login. */
export const SUSPICIOUS_FAILURES = 3;
export const FAILURE_WINDOW_MS = 60 * 60_000;
/** A refresh-token reuse taints the next successful login within this window. */
export const REUSE_WINDOW_MS = 24 * 60 * 60_000;

export type SuspicionReason = 'new_ip_after_failures' | 'after_refresh_token_reuse';

export interface SuspicionFacts {
  /** The IP already appears on an earlier successful login of this user. */
  ipKnown: boolean;
  /** Failed attempts for this user in the last FAILURE_WINDOW_MS. */
  recentFailures: number;
  /** A refresh_token_reuse event within REUSE_WINDOW_MS and no successful login since. */
  reuseSinceLastSuccess: boolean;
}

/** The rule itself, free of I/O. An empty list means the login is not suspicious. */
export function suspicionReasons(f: SuspicionFacts): SuspicionReason[] {
  const reasons: SuspicionReason[] = [];
  if (!f.ipKnown && f.recentFailures >= SUSPICIOUS_FAILURES) reasons.push('new_ip_after_failures');
  if (f.reuseSinceLastSuccess) reasons.push('after_refresh_token_reuse');
  return reasons;
}

/**
 * Gathers the facts for a successful login before its own history row is written. At most four indexed
 * lookups: login_history(user_id, login_at) and security_events(user_id, created_at); the IP lookup only
 * runs when the failure count makes it matter.
 */
@Injectable()
export class SuspiciousLoginService {
  private readonly postgres: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: SecurityEventWriter,
  ) {
    this.postgres = dialectOf(dataSource).postgres;
  }

  async evaluate(userId: string, ip: string | null, now: Date): Promise<SuspicionReason[]> {
    const recentFailures = await this.recentFailures(userId, now);
    // Only asked when it can change the answer.
    const ipKnown = recentFailures >= SUSPICIOUS_FAILURES ? await this.ipKnown(userId, ip) : true;
    const reuseSinceLastSuccess = await this.reuseSinceLastSuccess(userId, now);
    return suspicionReasons({ ipKnown, recentFailures, reuseSinceLastSuccess });
  }

  private t(d: Date) {
    return toDbTime(d, this.postgres);
  }

  private async recentFailures(userId: string, now: Date): Promise<number> {
    return this.dataSource
      .getRepository(LoginHistory)
      .createQueryBuilder('h')
      .where('h.user_id = :userId AND h.login_at >= :since AND h.success = FALSE', {
        userId,
        since: this.t(new Date(now.getTime() - FAILURE_WINDOW_MS)),
      })
      .getCount();
  }

  private async ipKnown(userId: string, ip: string | null): Promise<boolean> {
    if (!ip) return false;
    const row = await this.dataSource
      .getRepository(LoginHistory)
      .createQueryBuilder('h')
      .select('h.id')
      .where('h.user_id = :userId AND h.success = TRUE AND h.ip_address = :ip', { userId, ip })
      .limit(1)
      .getRawOne();
    return !!row;
  }

  private async reuseSinceLastSuccess(userId: string, now: Date): Promise<boolean> {
    const last = await this.dataSource
      .getRepository(LoginHistory)
      .createQueryBuilder('h')
      .select(['h.id', 'h.loginAt'])
      .where('h.user_id = :userId AND h.success = TRUE', { userId })
      .orderBy('h.loginAt', 'DESC')
      .limit(1)
      .getOne();
    const windowStart = now.getTime() - REUSE_WINDOW_MS;
    const since = new Date(Math.max(windowStart, last ? new Date(last.loginAt).getTime() : -Infinity));
    // Security events are written in batches: one recorded a moment ago may not be in the table yet.
    const pending = this.writer
      .pending()
      .some(
        (e) =>
          e.userId === userId &&
          e.type === SecurityEventType.RefreshTokenReuse &&
          e.createdAt.getTime() > since.getTime(),
      );
    if (pending) return true;
    const row = await this.dataSource
      .getRepository(SecurityEvent)
      .createQueryBuilder('e')
      .select('e.id')
      .where('e.user_id = :userId AND e.created_at > :since AND e.type = :type', {
        userId,
        since: this.t(since),
        type: SecurityEventType.RefreshTokenReuse,
      })
      .limit(1)
      .getRawOne();
    return !!row;
  }
}
