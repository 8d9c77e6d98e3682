import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, Repository, SelectQueryBuilder } from 'typeorm';
import { Role } from '../common/role';
import { UserEvent, UserEventPayload } from '../common/domain-events';
import { dialectOf, Dialect } from '../database/dialect';
import { Unit } from '../database/atomic-writes';
import { DomainEvent, EventUnit, UnitOfWork, UnitSteps } from '../database/unit-of-work';
import { User } from './entities/user.entity';
import { MonthCounts } from './quota';

/** Every column but the password hash: the row the principal cache keeps. */
const WITHOUT_PASSWORD = (() => {
  const columns: (keyof User)[] = [
    'id',
    'email',
    'username',
    'usernameCanonical',
    'fullName',
    'role',
    'isActive',
    'isVerified',
    'isSuspended',
    'suspendedReason',
    'suspendedAt',
    'apiKeyPrefix',
    'apiKeyCreatedAt',
    'apiKeyLastUsedAt',
    'failedLoginAttempts',
    'lastFailedLoginAt',
    'lockedUntil',
    'rateLimitPerMinute',
    'rateLimitPerHour',
    'rateLimitPerDay',
    'usageTotalRequests',
    'usageTranscriptions',
    'usageTranslations',
    'usageTts',
    'quotaOverrides',
    'usageMonth',
    'usageMonthRequests',
    'usageMonthTranscriptions',
    'usageMonthTranslations',
    'usageMonthTts',
    'usageMonthAudioSeconds',
    'settings',
    'createdAt',
    'updatedAt',
    'lastLoginAt',
    'passwordChangedAt',
  ];
  return Object.fromEntries(columns.map((k) => [k, true])) as Record<keyof User, true>;
})();

/** What takes an account away from the active admins. */
export type AdminRemoval = 'suspend' | 'deactivate' | 'demote' | 'delete';

/** The result of a write that must leave an active admin: done, refused (the last one), or no such user. */
export type GuardedResult = 'done' | 'last_admin' | 'not_found';

/**
 * Holds in the WHERE of a write that may take away an active admin: the target is no active admin, or another
 * active admin remains. Evaluated by the write itself, so the check and the change are one statement.
 */
const KEEPS_AN_ACTIVE_ADMIN = `(NOT (role = '${Role.Admin}' AND is_active = TRUE AND is_suspended = FALSE)
  OR (SELECT COUNT(*) FROM users admins WHERE admins.role = '${Role.Admin}' AND admins.is_active = TRUE
  AND admins.is_suspended = FALSE AND admins.id <> :guardId) > 0)`;

/** Serializes admin-removing writes on Postgres (any constant unique to this purpose). */
const LAST_ADMIN_LOCK = 0x76_67_61_64;

/** The users counters a job (or a request) adds to. */
export type UsageCounter = 'usageTranscriptions' | 'usageTranslations' | 'usageTts';

/** Account states, as SQL conditions on alias `u`; `:now` is the current time as stored. */
export type UserStatusFilter = 'active' | 'inactive' | 'suspended' | 'locked' | 'unverified';
const STATUS_SQL: Record<UserStatusFilter, string> = {
  active: 'u.is_active = TRUE AND u.is_suspended = FALSE AND (u.locked_until IS NULL OR u.locked_until <= :now)',
  inactive: 'u.is_active = FALSE',
  suspended: 'u.is_suspended = TRUE',
  locked: 'u.locked_until > :now',
  unverified: 'u.is_verified = FALSE',
};

export type UserSortKey = 'createdAt' | 'usernameCanonical' | 'email' | 'lastLoginAt';

export interface UserSearch {
  search?: string;
  role?: Role;
  status?: UserStatusFilter;
  sort: { column: UserSortKey; order: 'ASC' | 'DESC' };
  page: number;
  perPage: number;
  now: Date;
  /** Further conditions on alias `u` that other modules state about a user (e.g. a second factor set up). */
  where?: string[];
}

export interface UserCounts {
  total: number;
  active: number;
  inactive: number;
  suspended: number;
  locked: number;
  unverified: number;
  admin: number;
  user: number;
}

/** Counts to add to a user's row: the month's (gate traffic and finished jobs) and the lifetime counters'. */
export interface UsageAddition {
  userId: string;
  month: string;
  month_counts: MonthCounts;
  /** Gate traffic also counts in the lifetime usage counters (jobs count there when they complete). */
  lifetime: { transcriptions: number; translations: number; tts: number };
}

/** A user row's counts of its current month (`usage_month` names the month). */
export type MonthUsageColumns = Pick<
  User,
  | 'usageMonth'
  | 'usageMonthRequests'
  | 'usageMonthTranscriptions'
  | 'usageMonthTranslations'
  | 'usageMonthTts'
  | 'usageMonthAudioSeconds'
>;

/** The usage columns of a user row that `addUsage` writes. */
type UsageColumns = MonthUsageColumns & Pick<User, 'usageTranscriptions' | 'usageTranslations' | 'usageTts'>;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const count = (v: unknown): number => Number(v ?? 0) || 0;

/** Names of the changed columns, for `user.updated` (never a value). */
const fieldsOf = (changes: Partial<User>) => Object.keys(changes).filter((k) => k !== 'hashedPassword');

/**
 * The users table: every query and write on it. Each write publishes its domain event in the unit that changes
 * the row, so the principal cache and the outboxes hear of every change without the caller having to tell them.
 */
@Injectable()
export class UsersRepository {
  private readonly rows: Repository<User>;
  private readonly dialect: Dialect;

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
  ) {
    this.rows = dataSource.getRepository(User);
    this.dialect = dialectOf(dataSource);
  }

  // ---- reads

  findById(id: string): Promise<User | null> {
    return this.rows.findOneBy({ id });
  }

  /** The row without its password hash. */
  findWithoutPassword(id: string): Promise<User | null> {
    return this.rows.findOne({ where: { id }, select: WITHOUT_PASSWORD });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.rows.findOne({ where: { email } });
  }

  findByCanonicalUsername(username: string): Promise<User | null> {
    return this.rows.findOne({ where: { usernameCanonical: username } });
  }

  async idOfCanonicalUsername(username: string): Promise<string | null> {
    return (await this.rows.findOne({ where: { usernameCanonical: username }, select: { id: true } }))?.id ?? null;
  }

  async idOfEmail(email: string): Promise<string | null> {
    return (await this.rows.findOne({ where: { email }, select: { id: true } }))?.id ?? null;
  }

  exists(id: string): Promise<boolean> {
    return this.rows.exists({ where: { id } });
  }

  anyAdmin(): Promise<boolean> {
    return this.rows.exists({ where: { role: Role.Admin } });
  }

  async firstAdminNames(take: number): Promise<string[]> {
    const rows = await this.rows.find({
      where: { role: Role.Admin },
      order: { createdAt: 'ASC' },
      take,
      select: { username: true },
    });
    return rows.map((r) => r.username);
  }

  lockout(id: string): Promise<Pick<User, 'id' | 'failedLoginAttempts' | 'lockedUntil'> | null> {
    return this.rows.findOne({ where: { id }, select: { id: true, failedLoginAttempts: true, lockedUntil: true } });
  }

  /** One page of users matching the filter, and how many match. */
  search(q: UserSearch): Promise<[User[], number]> {
    const qb = this.rows.createQueryBuilder('u');
    this.filter(qb, q);
    // Never-signed-in users go last either way.
    const nullsLast = q.sort.column === 'lastLoginAt' ? 'NULLS LAST' : undefined;
    return qb
      .orderBy(`u.${q.sort.column}`, q.sort.order, nullsLast)
      .addOrderBy('u.id', 'ASC')
      .skip((q.page - 1) * q.perPage)
      .take(q.perPage)
      .getManyAndCount();
  }

  private filter(qb: SelectQueryBuilder<User>, q: UserSearch): void {
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
    if (q.status) qb.andWhere(`(${STATUS_SQL[q.status]})`, { now: this.dialect.time(q.now) });
    for (const condition of q.where ?? []) qb.andWhere(`(${condition})`);
  }

  /** Users per status and role, in one aggregate query. */
  async counts(now: Date): Promise<UserCounts> {
    const sum = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
    const raw = await this.rows
      .createQueryBuilder('u')
      .select('COUNT(*)', 'total')
      .addSelect(sum(STATUS_SQL.active), 'active')
      .addSelect(sum(STATUS_SQL.inactive), 'inactive')
      .addSelect(sum(STATUS_SQL.suspended), 'suspended')
      .addSelect(sum(STATUS_SQL.locked), 'locked')
      .addSelect(sum(STATUS_SQL.unverified), 'unverified')
      .addSelect(sum(`u.role = '${Role.Admin}'`), 'admin')
      .addSelect(sum(`u.role = '${Role.User}'`), 'user')
      .setParameters({ now: this.dialect.time(now) })
      .getRawOne<Record<keyof UserCounts, unknown>>();
    return {
      total: count(raw?.total),
      active: count(raw?.active),
      inactive: count(raw?.inactive),
      suspended: count(raw?.suspended),
      locked: count(raw?.locked),
      unverified: count(raw?.unverified),
      admin: count(raw?.admin),
      user: count(raw?.user),
    };
  }

  /** How many users meet a condition on alias `u` (another module's fact about a user, e.g. a second factor). */
  async countWhere(condition: string): Promise<number> {
    const raw = await this.rows
      .createQueryBuilder('u')
      .select('COUNT(*)', 'n')
      .where(`(${condition})`)
      .getRawOne<{ n: unknown }>();
    return count(raw?.n);
  }

  // ---- writes

  /**
   * A new user (its id and timestamps already set) and, in the same unit, what `alongside` writes for it (its
   * `default` API key); a taken email or username fails on the unique index and nothing is written.
   */
  insert<T>(user: User, context: { registration?: boolean }, alongside: (unit: EventUnit) => UnitSteps<T>): Promise<T> {
    return this.uow.run(function* (unit) {
      yield* unit.write(unit.em.createQueryBuilder().insert().into(User).values(user).updateEntity(false));
      const created = userEvent(UserEvent.Created, user.id);
      yield* unit.publish({ ...created, payload: { ...created.payload, ...context } });
      return yield* alongside(unit);
    });
  }

  /**
   * Changes columns of a user; returns whether the user exists. Publishes `user.updated` with the changed fields
   * (and `user.email_changed`, with `previous_email` when given, when the email is among them).
   */
  update(id: string, changes: Partial<User>, context: { previous_email?: string } = {}): Promise<boolean> {
    return this.uow.run(function* (unit) {
      if (!(yield* unit.write(unit.em.createQueryBuilder().update(User).set(changes).where('id = :id', { id }))))
        return false;
      yield* publishChanges(unit, id, changes, context.previous_email);
      return true;
    });
  }

  /** A new password hash (and what else the rule changes with it: the lockout, for a reset). */
  setPassword(id: string, hashedPassword: string, at: Date, changes: Partial<User> = {}): Promise<boolean> {
    return this.uow.run(function* (unit) {
      const set = { ...changes, hashedPassword, passwordChangedAt: at };
      if (!(yield* unit.write(unit.em.createQueryBuilder().update(User).set(set).where('id = :id', { id }))))
        return false;
      yield* unit.publish(userEvent(UserEvent.PasswordChanged, id));
      if (Object.keys(changes).length) yield* unit.publish(userEvent(UserEvent.Updated, id, fieldsOf(changes)));
      return true;
    });
  }

  /** A stronger hash of the same password, unless the password changed meanwhile (the old hash decides). No event. */
  async rehash(id: string, oldHash: string, hashedPassword: string): Promise<void> {
    await this.rows.update({ id, hashedPassword: oldHash }, { hashedPassword, updatedAt: () => 'updated_at' });
  }

  /** Whether the row still holds this password hash (a password change may have landed since it was read). */
  holdsPassword(id: string, hashedPassword: string): Promise<boolean> {
    return this.rows.existsBy({ id, hashedPassword });
  }

  /**
   * Reserves one sign-in attempt under the lockout rule, as one conditional UPDATE: refused (false) while the
   * account is locked; an expired lock starts a new count; reaching `max` attempts sets the lock. N parallel
   * attempts therefore evaluate at most the limit.
   */
  async reserveLoginAttempt(id: string, now: Date, lockUntil: Date, max: number): Promise<boolean> {
    const t = (d: Date) => this.dialect.time(d);
    const res = await this.rows
      .createQueryBuilder()
      .update(User)
      .set({
        failedLoginAttempts: () =>
          'CASE WHEN locked_until IS NOT NULL AND locked_until <= :now THEN 1 ELSE failed_login_attempts + 1 END',
        lockedUntil: () =>
          'CASE WHEN locked_until IS NOT NULL AND locked_until <= :now THEN NULL ' +
          'WHEN failed_login_attempts + 1 >= :max THEN :lockUntil ELSE locked_until END',
        updatedAt: () => 'updated_at',
      })
      .where('id = :id AND (locked_until IS NULL OR locked_until <= :now)')
      .setParameters({ id, now: t(now), lockUntil: t(lockUntil), max })
      .execute();
    return !!res.affected;
  }

  /**
   * A wrong password: stamps the failure and returns the lockout state it left; publishes `user.locked` when the
   * attempt reached the limit (the reservation set the lock).
   */
  recordFailedLogin(id: string, now: Date, max: number): Promise<{ attempts: number; lockedUntil: Date | null }> {
    const dialect = this.dialect;
    return this.uow.run(function* (unit) {
      yield* unit.write(
        unit.em
          .createQueryBuilder()
          .update(User)
          .set({ lastFailedLoginAt: now, updatedAt: () => 'updated_at' })
          .where('id = :id', { id }),
      );
      const [row] = yield* unit.read<{ failed_login_attempts: number; locked_until: Date | string | null }>({
        sql: 'SELECT failed_login_attempts, locked_until FROM users WHERE id = :id',
        params: { id },
      });
      const attempts = Number(row?.failed_login_attempts ?? 0);
      const lockedUntil = row?.locked_until ? dialect.readTime(row.locked_until) : null;
      if (attempts >= max && lockedUntil) {
        yield* unit.publish(userEvent(UserEvent.Locked, id, ['failedLoginAttempts', 'lockedUntil']));
        yield* unit.publish({ name: 'security.alert', payload: { user_id: id, reason: 'account_locked' } });
      }
      return { attempts, lockedUntil };
    });
  }

  /**
   * Gives back one reserved attempt that was no failure (a correct password of an account with a second factor: the
   * count resets only when the factor is given); a lock that attempt set is lifted with it. One conditional UPDATE.
   */
  releaseLoginAttempt(id: string, max: number): Promise<void> {
    return this.uow.run(function* (unit) {
      const released = yield* unit.write(
        unit.em
          .createQueryBuilder()
          .update(User)
          .set({
            failedLoginAttempts: () => 'failed_login_attempts - 1',
            lockedUntil: () => 'CASE WHEN failed_login_attempts - 1 >= :max THEN locked_until ELSE NULL END',
            updatedAt: () => 'updated_at',
          })
          .where('id = :id AND failed_login_attempts > 0')
          .setParameters({ id, max }),
      );
      if (released) yield* unit.publish(userEvent(UserEvent.SignInPending, id, ['failedLoginAttempts', 'lockedUntil']));
    });
  }

  /** A password sign-in: the failed count and lock are cleared and the sign-in time kept. */
  recordSignIn(id: string, at: Date): Promise<void> {
    return this.uow.run(function* (unit) {
      yield* unit.write(
        unit.em
          .createQueryBuilder()
          .update(User)
          .set({ failedLoginAttempts: 0, lockedUntil: null, lastLoginAt: at })
          .where('id = :id', { id }),
      );
      yield* unit.publish(userEvent(UserEvent.SignedIn, id));
    });
  }

  /**
   * Applies `changes` unless it would leave no active admin (see KEEPS_AN_ACTIVE_ADMIN); `delete` removes the row.
   * SQLite runs one statement at a time, so the conditional write alone is atomic; on Postgres two such writes could
   * each still see the other's admin (READ COMMITTED), so they take one transaction-scoped lock first.
   */
  guarded(
    id: string,
    what: AdminRemoval,
    changes: Partial<User> = {},
    context: { previous_email?: string } = {},
  ): Promise<GuardedResult> {
    return this.uow.run(function* (unit) {
      if (unit.postgres)
        yield* unit.read({ sql: 'SELECT pg_advisory_xact_lock(:key)', params: { key: LAST_ADMIN_LOCK } });
      const qb =
        what === 'delete'
          ? unit.em.createQueryBuilder().delete().from(User)
          : unit.em.createQueryBuilder().update(User).set(changes);
      const written = yield* unit.write(qb.where('id = :id', { id }).andWhere(KEEPS_AN_ACTIVE_ADMIN, { guardId: id }));
      if (!written) {
        const [found] = yield* unit.read({ sql: 'SELECT 1 AS found FROM users WHERE id = :id', params: { id } });
        return found ? 'last_admin' : 'not_found';
      }
      if (what === 'delete') yield* unit.publish(userEvent(UserEvent.Deleted, id));
      else yield* publishChanges(unit, id, changes, context.previous_email);
      return 'done';
    });
  }

  /** Steps that add one to a usage counter, inside the caller's unit (a job that completes). */
  *countUsage(unit: EventUnit, id: string, counter: UsageCounter): UnitSteps<void> {
    const column = this.rows.metadata.findColumnWithPropertyName(counter)!.databaseName;
    yield* unit.write(
      unit.em
        .createQueryBuilder()
        .update(User)
        // Usage is bookkeeping, not a change to the account: updated_at stays.
        .set({ [counter]: () => `${column} + 1`, updatedAt: () => 'updated_at' })
        .where('id = :id', { id }),
    );
    yield* unit.publish(userEvent(UserEvent.UsageCounted, id, [counter]));
  }

  /** Steps that add buffered request counts and API-key use stamps (the caller's unit; no event: see UsageBuffer). */
  *addRequests(unit: EventUnit, id: string, requests: number): UnitSteps<void> {
    yield* unit.write(
      unit.em
        .createQueryBuilder()
        .update(User)
        .set({ usageTotalRequests: () => `usage_total_requests + ${Number(requests)}`, updatedAt: () => 'updated_at' })
        .where('id = :id', { id }),
    );
  }

  /** Steps: the account's address and whether it is verified; null when the user is gone. */
  static *addressOf(unit: Unit, id: string): UnitSteps<{ email: string; verified: boolean } | null> {
    const [row] = yield* unit.read<{ email: string; is_verified: boolean | number }>({
      sql: 'SELECT email, is_verified FROM users WHERE id = :id',
      params: { id },
    });
    return row ? { email: row.email, verified: !!row.is_verified } : null;
  }

  /** Steps: the address is verified, if it is still the user's (a link to an old address does nothing). */
  static *markVerified(unit: EventUnit, id: string, email: string, now: Date): UnitSteps<boolean> {
    const n = yield* unit.write({
      sql: 'UPDATE users SET is_verified = :yes, updated_at = :now WHERE id = :id AND email = :email',
      params: { yes: true, now, id, email },
    });
    if (n) yield* unit.publish(userEvent(UserEvent.Updated, id, ['is_verified']));
    return n > 0;
  }

  /**
   * Steps: a new password set through a reset link sent to `email`, if that is still the user's address; the
   * lockout is cleared and the address counts as verified (the link proved it).
   */
  static *resetPassword(
    unit: EventUnit,
    input: { id: string; email: string; hashedPassword: string; now: Date },
  ): UnitSteps<boolean> {
    const { id, email, hashedPassword, now } = input;
    const n = yield* unit.write({
      sql:
        'UPDATE users SET hashed_password = :hash, password_changed_at = :now, failed_login_attempts = 0, ' +
        'locked_until = NULL, is_verified = :yes, updated_at = :now WHERE id = :id AND email = :email',
      params: { hash: hashedPassword, now, yes: true, id, email },
    });
    if (n) yield* unit.publish({ name: UserEvent.PasswordChanged, payload: { user_id: id, via: 'reset_link' } });
    return n > 0;
  }

  /**
   * Steps: one UPDATE adding counts to a user: the lifetime counters add the gate's counts; the month's counters move
   * to `month` (a row that counted an earlier month starts again from these counts), and a row already counting a
   * later month keeps it.
   */
  static *addUsage(unit: Unit, e: UsageAddition): UnitSteps<void> {
    const current = 'usage_month IS NULL OR usage_month <= :month';
    const month = (name: string, param: string) =>
      `${name} = CASE WHEN usage_month = :month THEN ${name} + :${param} WHEN ${current} THEN :${param} ELSE ${name} END`;
    const c = e.month_counts;
    const l = e.lifetime;
    yield* unit.write({
      sql: `UPDATE users SET usage_transcriptions = usage_transcriptions + :lt,
        usage_translations = usage_translations + :ltr, usage_tts = usage_tts + :ltts,
        ${month('usage_month_requests', 'r')}, ${month('usage_month_transcriptions', 't')},
        ${month('usage_month_translations', 'tr')}, ${month('usage_month_tts', 'tts')},
        ${month('usage_month_audio_seconds', 'a')},
        usage_month = CASE WHEN ${current} THEN :month ELSE usage_month END
      WHERE id = :id`,
      params: {
        id: e.userId,
        month: e.month,
        lt: l.transcriptions,
        ltr: l.translations,
        ltts: l.tts,
        r: c.requests,
        t: c.transcriptions,
        tr: c.translations,
        tts: c.tts,
        a: c.audio_seconds,
      },
    });
  }

  /** The row as `addUsage` leaves it (the same rule, for a cached copy of the row). */
  static withUsage<R extends UsageColumns>(row: Readonly<R>, e: UsageAddition): R {
    const c = e.month_counts;
    const same = row.usageMonth === e.month;
    const later = row.usageMonth !== null && row.usageMonth > e.month;
    const month = (current: number, add: number) => (same ? current + add : later ? current : add);
    return {
      ...row,
      usageTranscriptions: row.usageTranscriptions + e.lifetime.transcriptions,
      usageTranslations: row.usageTranslations + e.lifetime.translations,
      usageTts: row.usageTts + e.lifetime.tts,
      usageMonthRequests: month(row.usageMonthRequests, c.requests),
      usageMonthTranscriptions: month(row.usageMonthTranscriptions, c.transcriptions),
      usageMonthTranslations: month(row.usageMonthTranslations, c.translations),
      usageMonthTts: month(row.usageMonthTts, c.tts),
      usageMonthAudioSeconds: month(row.usageMonthAudioSeconds, c.audio_seconds),
      usageMonth: later ? row.usageMonth : e.month,
    };
  }

  /**
   * Locks the user's row until the unit ends (Postgres; SQLite units hold the whole database): the keys module
   * counts a user's keys and inserts one without a parallel insert slipping in between.
   */
  static *lockRow(unit: Unit, id: string): UnitSteps<void> {
    if (unit.postgres) yield* unit.read({ sql: 'SELECT id FROM users WHERE id = :id FOR UPDATE', params: { id } });
  }

  /** The `default` key's prefix and creation time, shown on the user (`api_key_prefix`); null when it is deleted. */
  static *mirrorDefaultKey(unit: Unit, id: string, key: { prefix: string; createdAt: Date } | null): UnitSteps<void> {
    yield* unit.write({
      sql: `UPDATE users SET api_key_prefix = :prefix, api_key_created_at = :createdAt, api_key_last_used_at = NULL
             WHERE id = :id`,
      params: { id, prefix: key?.prefix ?? null, createdAt: key?.createdAt ?? null },
    });
  }

  *touchApiKey(unit: EventUnit, id: string, at: Date): UnitSteps<void> {
    yield* unit.write(
      unit.em
        .createQueryBuilder()
        .update(User)
        .set({ apiKeyLastUsedAt: at, updatedAt: () => 'updated_at' })
        .where('id = :id', { id }),
    );
  }
}

function userEvent(name: string, userId: string, fields?: string[]): DomainEvent<UserEventPayload> {
  return { name, payload: fields ? { user_id: userId, fields } : { user_id: userId } };
}

/** The events a change of columns publishes: suspension, email, or else a plain update. */
function* publishChanges(unit: EventUnit, id: string, changes: Partial<User>, previousEmail?: string): UnitSteps<void> {
  if (changes.isSuspended === true) yield* unit.publish(userEvent(UserEvent.Suspended, id));
  else if (changes.isSuspended === false) yield* unit.publish(userEvent(UserEvent.Unsuspended, id));
  else {
    if (changes.email !== undefined)
      yield* unit.publish({
        name: UserEvent.EmailChanged,
        payload: { user_id: id, email: changes.email, ...(previousEmail ? { previous_email: previousEmail } : {}) },
      });
    yield* unit.publish(userEvent(UserEvent.Updated, id, fieldsOf(changes)));
  }
}
