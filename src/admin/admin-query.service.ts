import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import { AuditQueryService } from '../audit/audit-query.service';
import { Clock } from '../common/clock';
import { toDbTime } from '../database/columns';
import { TranscriptionJob } from '../jobs/entities/transcription-job.entity';
import { JobStatus } from '../jobs/jobs.enums';
import { MFA_ENABLED_SQL } from '../mfa/mfa.constants';
import { SessionsService, toSessionOut } from '../sessions/sessions.service';
import { User } from '../users/entities/user.entity';
import { iso } from '../users/user.mapper';
import { Role } from '../users/users.enums';
import { UsersService } from '../users/users.service';
import { UserSort, UserStatus } from './admin.enums';
import { escapeLike, pageInfo } from './admin.mapper';
import { ListUsersQueryDto } from './dto/list-users-query.dto';

const RECENT = 20;
const STATS_DAYS = 30;

const SORTS: Record<UserSort, { column: string; order: 'ASC' | 'DESC'; nullsLast?: boolean }> = {
  [UserSort.CreatedAsc]: { column: 'u.createdAt', order: 'ASC' },
  [UserSort.CreatedDesc]: { column: 'u.createdAt', order: 'DESC' },
  [UserSort.UsernameAsc]: { column: 'u.usernameCanonical', order: 'ASC' },
  [UserSort.UsernameDesc]: { column: 'u.usernameCanonical', order: 'DESC' },
  [UserSort.EmailAsc]: { column: 'u.email', order: 'ASC' },
  [UserSort.EmailDesc]: { column: 'u.email', order: 'DESC' },
  // Never-signed-in users go last either way.
  [UserSort.LastLoginAsc]: { column: 'u.lastLoginAt', order: 'ASC', nullsLast: true },
  [UserSort.LastLoginDesc]: { column: 'u.lastLoginAt', order: 'DESC', nullsLast: true },
};

/**
 * One SQL condition per status, on the columns of alias `u`; `:now` is the current time as stored.
 * TRUE/FALSE literals work on both drivers (SQLite ≥ 3.23 reads them as 1/0).
 */
const STATUS_SQL: Record<UserStatus, string> = {
  [UserStatus.Active]:
    'u.is_active = TRUE AND u.is_suspended = FALSE AND (u.locked_until IS NULL OR u.locked_until <= :now)',
  [UserStatus.Inactive]: 'u.is_active = FALSE',
  [UserStatus.Suspended]: 'u.is_suspended = TRUE',
  [UserStatus.Locked]: 'u.locked_until > :now',
  [UserStatus.Unverified]: 'u.is_verified = FALSE',
};

const count = (v: unknown): number => Number(v ?? 0) || 0;

/** Read side of the admin API: lists, details and figures, aggregated in SQL. */
@Injectable()
export class AdminQueryService {
  private readonly postgres: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditQueryService,
    private readonly clock: Clock,
  ) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  private get now(): Date | string {
    return toDbTime(this.clock.date(), this.postgres);
  }

  async list(q: ListUsersQueryDto) {
    const qb = this.users.repo.createQueryBuilder('u');
    this.filter(qb, q);
    const sort = SORTS[q.sort];
    qb.orderBy(sort.column, sort.order, sort.nullsLast ? 'NULLS LAST' : undefined)
      .addOrderBy('u.id', 'ASC')
      .skip((q.page - 1) * q.per_page)
      .take(q.per_page);
    const [rows, total] = await qb.getManyAndCount();
    return { users: rows.map((u) => this.users.toOut(u)), ...pageInfo(total, q.page, q.per_page) };
  }

  private filter(qb: SelectQueryBuilder<User>, q: ListUsersQueryDto): void {
    if (q.search) {
      const pattern = `%${escapeLike(q.search.toLowerCase())}%`;
      qb.andWhere(
        new Brackets((w) =>
          w
            .where("lower(u.email) LIKE lower(:pattern) ESCAPE '\\'")
            .orWhere("lower(u.username) LIKE lower(:pattern) ESCAPE '\\'")
            .orWhere("lower(u.full_name) LIKE lower(:pattern) ESCAPE '\\'"),
        ),
        { pattern },
      );
    }
    if (q.role) qb.andWhere('u.role = :role', { role: q.role });
    if (q.status) qb.andWhere(`(${STATUS_SQL[q.status]})`, { now: this.now });
    if (q.mfa) qb.andWhere(q.mfa === 'enabled' ? MFA_ENABLED_SQL : `NOT ${MFA_ENABLED_SQL}`);
  }

  /** The user with their recent sign-ins, live sessions, recent security events and usage. */
  async detail(id: string, currentSessionId?: string) {
    const user = await this.users.getById(id);
    const [history, sessions, events, jobs] = await Promise.all([
      this.audit.loginHistory(id, { perPage: RECENT }),
      this.sessions.listForUser(id),
      this.audit.securityEvents({ userId: id, perPage: RECENT }),
      this.jobCounts(id),
    ]);
    const out = this.users.toOut(user);
    return {
      user: out,
      login_history: history.items,
      sessions: sessions.map((s) => toSessionOut(s, currentSessionId)),
      security_events: events.items,
      usage: {
        ...out.usage,
        jobs,
        active_sessions: sessions.length,
        last_login_at: out.last_login_at,
        api_key_last_used_at: iso(user.apiKeyLastUsedAt),
      },
    };
  }

  /** `{items, total, page, per_page, pages}`, newest first. */
  async loginHistory(id: string, page: number, perPage: number) {
    await this.users.getById(id);
    return this.audit.loginHistory(id, { page, perPage });
  }

  /** Every session of the user, newest first, ended ones included (`active` tells them apart). */
  async sessionsOf(id: string, currentSessionId?: string) {
    await this.users.getById(id);
    const now = this.clock.now();
    const sessions = await this.sessions.listForUser(id, { includeRevoked: true });
    return sessions.map((s) => ({
      ...toSessionOut(s, currentSessionId),
      active: !s.revokedAt && new Date(s.expiresAt).getTime() > now,
    }));
  }

  private async jobCounts(userId?: string): Promise<Record<JobStatus, number> & { total: number }> {
    const qb = this.dataSource
      .getRepository(TranscriptionJob)
      .createQueryBuilder('j')
      .select('j.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .groupBy('j.status');
    if (userId) qb.where('j.user_id = :userId', { userId });
    const rows = await qb.getRawMany<{ status: JobStatus; n: unknown }>();
    const out = {
      total: 0,
      [JobStatus.Pending]: 0,
      [JobStatus.Processing]: 0,
      [JobStatus.Completed]: 0,
      [JobStatus.Failed]: 0,
    };
    for (const r of rows) {
      if (r.status in out) out[r.status] = count(r.n);
      out.total += count(r.n);
    }
    return out;
  }

  /** Dashboard figures, every one an aggregate query (no rows are loaded into memory). */
  async stats() {
    const now = this.clock.date();
    const sum = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
    const users = await this.users.repo
      .createQueryBuilder('u')
      .select('COUNT(*)', 'total')
      .addSelect(sum(STATUS_SQL[UserStatus.Active]), 'active')
      .addSelect(sum(STATUS_SQL[UserStatus.Inactive]), 'inactive')
      .addSelect(sum(STATUS_SQL[UserStatus.Suspended]), 'suspended')
      .addSelect(sum(STATUS_SQL[UserStatus.Locked]), 'locked')
      .addSelect(sum(STATUS_SQL[UserStatus.Unverified]), 'unverified')
      .addSelect(sum(`u.role = '${Role.Admin}'`), 'admin')
      .addSelect(sum(`u.role = '${Role.User}'`), 'user')
      .addSelect(sum(MFA_ENABLED_SQL), 'mfa_enabled')
      .setParameters({ now: this.now })
      .getRawOne<Record<string, unknown>>();

    const [last24h, perDay] = await Promise.all([
      this.audit.loginTotals(new Date(now.getTime() - 86_400_000)),
      this.audit.loginsPerDay(STATS_DAYS),
    ]);
    const jobs = await this.jobCounts();
    const sessions = await this.sessions.repo
      .createQueryBuilder('s')
      .select('COUNT(*)', 'n')
      .where('s.revoked_at IS NULL AND s.expires_at > :now', { now: this.now })
      .getRawOne<{ n: unknown }>();

    return {
      users: {
        total: count(users?.total),
        by_status: {
          active: count(users?.active),
          inactive: count(users?.inactive),
          suspended: count(users?.suspended),
          locked: count(users?.locked),
          unverified: count(users?.unverified),
        },
        by_role: { admin: count(users?.admin), user: count(users?.user) },
        by_mfa: { enabled: count(users?.mfa_enabled), disabled: count(users?.total) - count(users?.mfa_enabled) },
      },
      logins: {
        last_24h: last24h,
        per_day: perDay,
      },
      jobs: {
        by_status: {
          pending: jobs[JobStatus.Pending],
          processing: jobs[JobStatus.Processing],
          completed: jobs[JobStatus.Completed],
          failed: jobs[JobStatus.Failed],
        },
      },
      sessions: { active: count(sessions?.n) },
    };
  }
}
