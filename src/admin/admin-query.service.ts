import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditQueryService } from '../audit/audit-query.service';
import { Clock } from '../common/clock';
import { TranscriptionJob } from '../jobs/entities/transcription-job.entity';
import { JobStatus } from '../jobs/jobs.enums';
import { MFA_ENABLED_SQL } from '../mfa/mfa.constants';
import { SessionsService, toSessionOut } from '../sessions/sessions.service';
import { iso } from '../users/user.mapper';
import { UserSearch, UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { UserPresenter } from '../auth/user-presenter';
import { UserSort } from './admin.enums';
import { pageInfo } from './admin.mapper';
import { AdminSessionDto, JobCountsDto, UserDetailDto, UserListDto } from './dto/admin-response.dto';
import { AdminFiguresDto } from './dto/admin-stats.dto';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { LoginHistoryPageDto } from '../audit/dto/audit-response.dto';

const RECENT = 20;
const STATS_DAYS = 30;

const SORTS: Record<UserSort, UserSearch['sort']> = {
  [UserSort.CreatedAsc]: { column: 'createdAt', order: 'ASC' },
  [UserSort.CreatedDesc]: { column: 'createdAt', order: 'DESC' },
  [UserSort.UsernameAsc]: { column: 'usernameCanonical', order: 'ASC' },
  [UserSort.UsernameDesc]: { column: 'usernameCanonical', order: 'DESC' },
  [UserSort.EmailAsc]: { column: 'email', order: 'ASC' },
  [UserSort.EmailDesc]: { column: 'email', order: 'DESC' },
  [UserSort.LastLoginAsc]: { column: 'lastLoginAt', order: 'ASC' },
  [UserSort.LastLoginDesc]: { column: 'lastLoginAt', order: 'DESC' },
};

const count = (v: unknown): number => Number(v ?? 0) || 0;

/** Read side of the admin API: lists, details and figures, aggregated in SQL. */
@Injectable()
export class AdminQueryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly userRows: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly present: UserPresenter,
    private readonly audit: AuditQueryService,
    private readonly clock: Clock,
  ) {}

  async list(q: ListUsersQueryDto): Promise<UserListDto> {
    const [rows, total] = await this.userRows.search({
      search: q.search,
      role: q.role,
      status: q.status,
      sort: SORTS[q.sort],
      page: q.page,
      perPage: q.per_page,
      now: this.clock.date(),
      where: q.mfa ? [q.mfa === 'enabled' ? MFA_ENABLED_SQL : `NOT ${MFA_ENABLED_SQL}`] : [],
    });
    return { users: rows.map((u) => this.present.user(u)), ...pageInfo(total, q.page, q.per_page) };
  }

  /** The user with their recent sign-ins, live sessions, recent security events and usage. */
  async detail(id: string, currentSessionId?: string): Promise<UserDetailDto> {
    const user = await this.users.getById(id);
    const [history, sessions, events, jobs] = await Promise.all([
      this.audit.loginHistory(id, { perPage: RECENT }),
      this.sessions.listForUser(id),
      this.audit.securityEvents({ userId: id, perPage: RECENT }),
      this.jobCounts(id),
    ]);
    const out = this.present.user(user);
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
  async loginHistory(id: string, page: number, perPage: number): Promise<LoginHistoryPageDto> {
    await this.users.getById(id);
    return this.audit.loginHistory(id, { page, perPage });
  }

  /** Every session of the user, newest first, ended ones included (`active` tells them apart). */
  async sessionsOf(id: string, currentSessionId?: string): Promise<AdminSessionDto[]> {
    await this.users.getById(id);
    const now = this.clock.now();
    const sessions = await this.sessions.listForUser(id, { includeRevoked: true });
    return sessions.map((s) => ({
      ...toSessionOut(s, currentSessionId),
      active: !s.revokedAt && new Date(s.expiresAt).getTime() > now,
    }));
  }

  private async jobCounts(userId?: string): Promise<JobCountsDto> {
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
  async stats(): Promise<AdminFiguresDto> {
    const now = this.clock.date();
    const [users, withMfa] = await Promise.all([this.userRows.counts(now), this.userRows.countWhere(MFA_ENABLED_SQL)]);
    const [last24h, perDay] = await Promise.all([
      this.audit.loginTotals(new Date(now.getTime() - 86_400_000)),
      this.audit.loginsPerDay(STATS_DAYS),
    ]);
    const jobs = await this.jobCounts();
    const liveSessions = await this.sessions.countLive();
    return {
      users: {
        total: users.total,
        by_status: {
          active: users.active,
          inactive: users.inactive,
          suspended: users.suspended,
          locked: users.locked,
          unverified: users.unverified,
        },
        by_role: { admin: users.admin, user: users.user },
        by_mfa: { enabled: withMfa, disabled: users.total - withMfa },
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
      sessions: { active: liveSessions },
    };
  }
}
