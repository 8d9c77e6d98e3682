import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import { toDbTime } from '../database/columns';
import { SecurityEventType, Severity } from './audit.events';
import { paginated, Paginated, toLoginHistoryOut, toSecurityEventOut } from './audit.mapper';
import { LoginHistoryItemDto, SecurityEventItemDto } from './dto/audit-response.dto';
import { LoginHistory } from './entities/login-history.entity';
import { SecurityEvent } from './entities/security-event.entity';
import { SecurityEventWriter } from './security-event-writer.service';
import { dialectOf } from '../database/dialect';

export interface PageRequest {
  page?: number;
  perPage?: number;
}

export interface SecurityEventFilter extends PageRequest {
  userId?: string;
  type?: SecurityEventType | string;
  severity?: Severity;
  since?: Date;
  until?: Date;
}

export interface LoginsPerDay {
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
  success: number;
  failure: number;
}

const DAY_MS = 86_400_000;
const MAX_PER_PAGE = 100;

/** Read side of the audit trail, for the /auth endpoints here and for the admin API and dashboard. */
@Injectable()
export class AuditQueryService {
  private readonly logger = new Logger('Audit');
  private readonly postgres: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: SecurityEventWriter,
    private readonly clock: Clock,
  ) {
    this.postgres = dialectOf(dataSource).postgres;
  }

  /** A user's login attempts, newest first. */
  async loginHistory(userId: string, req: PageRequest = {}): Promise<Paginated<LoginHistoryItemDto>> {
    const { page, perPage } = this.bounds(req);
    const [rows, total] = await this.dataSource
      .getRepository(LoginHistory)
      .createQueryBuilder('h')
      .where('h.user_id = :userId', { userId })
      .orderBy('h.loginAt', 'DESC')
      .addOrderBy('h.id', 'DESC')
      .offset((page - 1) * perPage)
      .limit(perPage)
      .getManyAndCount();
    return paginated(rows.map(toLoginHistoryOut), total, page, perPage);
  }

  /** Security events matching every given filter, newest first. Includes events recorded a moment ago. */
  async securityEvents(filter: SecurityEventFilter = {}): Promise<Paginated<SecurityEventItemDto>> {
    const { page, perPage } = this.bounds(filter);
    if (filter.since && filter.until && filter.since.getTime() > filter.until.getTime())
      throw AppError.validation([{ field: 'until', message: 'must not be before since' }]);
    // Read your own writes: what this instance recorded before the request is in the answer.
    await this.writer
      .flush()
      .catch((err: Error) => this.logger.warn({ msg: 'security event flush before read failed', error: err.message }));

    const qb = this.dataSource.getRepository(SecurityEvent).createQueryBuilder('e');
    if (filter.userId) qb.andWhere('e.user_id = :userId', { userId: filter.userId });
    if (filter.type) qb.andWhere('e.type = :type', { type: filter.type });
    if (filter.severity) qb.andWhere('e.severity = :severity', { severity: filter.severity });
    if (filter.since) qb.andWhere('e.created_at >= :since', { since: this.t(filter.since) });
    if (filter.until) qb.andWhere('e.created_at <= :until', { until: this.t(filter.until) });
    const [rows, total] = await qb
      .orderBy('e.createdAt', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .offset((page - 1) * perPage)
      .limit(perPage)
      .getManyAndCount();
    return paginated(rows.map(toSecurityEventOut), total, page, perPage);
  }

  /**
   * Successful and failed login attempts per UTC day for the last `days` days (today included), oldest first, zero-
   * filled.
   */
  async loginsPerDay(days: number): Promise<LoginsPerDay[]> {
    const n = Math.min(Math.max(Math.trunc(days) || 1, 1), 366);
    const today = Math.floor(this.clock.now() / DAY_MS) * DAY_MS;
    const start = new Date(today - (n - 1) * DAY_MS);
    const end = new Date(today + DAY_MS);
    const sql = this.postgres
      ? `SELECT to_char(date_trunc('day', login_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
                COUNT(*) FILTER (WHERE success) AS success, COUNT(*) FILTER (WHERE NOT success) AS failure
           FROM login_history WHERE login_at >= $1 AND login_at < $2 GROUP BY 1`
      : `SELECT date(login_at) AS day,
                SUM(CASE WHEN success THEN 1 ELSE 0 END) AS success, SUM(CASE WHEN success THEN 0 ELSE 1 END) AS failure
           FROM login_history WHERE login_at >= ? AND login_at < ? GROUP BY 1`;
    const rows: { day: string; success: string | number; failure: string | number }[] = await this.dataSource.query(
      sql,
      [this.t(start), this.t(end)],
    );
    const byDay = new Map(rows.map((r) => [r.day, r]));
    return Array.from({ length: n }, (_, i) => {
      const date = new Date(start.getTime() + i * DAY_MS).toISOString().slice(0, 10);
      const r = byDay.get(date);
      return { date, success: Number(r?.success ?? 0), failure: Number(r?.failure ?? 0) };
    });
  }

  /** Successful and failed login attempts since a moment (e.g. the last 24 h for the admin stats). */
  async loginTotals(since: Date): Promise<{ success: number; failure: number }> {
    const row = await this.dataSource
      .getRepository(LoginHistory)
      .createQueryBuilder('h')
      .select('SUM(CASE WHEN h.success THEN 1 ELSE 0 END)', 'success')
      .addSelect('SUM(CASE WHEN h.success THEN 0 ELSE 1 END)', 'failure')
      .where('h.login_at >= :since', { since: this.t(since) })
      .getRawOne<{ success: string | number | null; failure: string | number | null }>();
    return { success: Number(row?.success ?? 0), failure: Number(row?.failure ?? 0) };
  }

  private bounds(req: PageRequest): { page: number; perPage: number } {
    const page = Math.max(1, Math.trunc(req.page ?? 1) || 1);
    const perPage = Math.min(Math.max(1, Math.trunc(req.perPage ?? 20) || 20), MAX_PER_PAGE);
    return { page, perPage };
  }

  private t(d: Date) {
    return toDbTime(d, this.postgres);
  }
}
