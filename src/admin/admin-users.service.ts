import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { SecurityEventType } from '../audit/audit.events';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { RequestMetadata } from '../common/principal';
import { AuthStateService } from '../sessions/auth-state.service';
import { SessionsService } from '../sessions/sessions.service';
import { User } from '../users/entities/user.entity';
import { PasswordHasher } from '../users/password/password-hasher.service';
import { checkPassword } from '../users/password/password-policy';
import { UsageBuffer } from '../users/usage-buffer.service';
import { UserOut } from '../users/user.mapper';
import { Role } from '../users/users.enums';
import { UsersService } from '../users/users.service';
import { BulkAction } from './admin.enums';
import { BulkActionDto } from './dto/bulk-action.dto';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';

/** Who is acting, and from where (every admin action is audited with both). */
export interface AdminActor {
  id: string;
  sessionId?: string;
  meta: Partial<RequestMetadata>;
}

export interface BulkResult {
  user_id: string;
  success: boolean;
  error?: { code: string; detail: string };
}

/**
 * Holds in the WHERE of a write that may take away an active admin: the target is no active admin, or another
 * active admin remains. Evaluated by the write itself, so the check and the change are one statement.
 */
const KEEPS_AN_ACTIVE_ADMIN = `(NOT (role = '${Role.Admin}' AND is_active = TRUE AND is_suspended = FALSE)
  OR (SELECT COUNT(*) FROM users admins WHERE admins.role = '${Role.Admin}' AND admins.is_active = TRUE AND admins.is_suspended = FALSE AND admins.id <> :guardId) > 0)`;

/** Serializes admin-removing writes on Postgres (any constant unique to this purpose). */
const LAST_ADMIN_LOCK = 0x76_67_61_64; // "vgad"

/** 144 random bits in base64url: 24 characters, no common-password or length issue. */
const generatePassword = (): string => randomBytes(18).toString('base64url');

type Removal = 'suspend' | 'deactivate' | 'demote' | 'delete';
const SELF: Record<Removal, string> = {
  suspend: 'You cannot suspend your own account',
  deactivate: 'You cannot deactivate your own account',
  demote: 'You cannot change your own role',
  delete: 'You cannot delete your own account',
};
const LAST: Record<Removal, string> = {
  suspend: 'Cannot suspend the last active admin',
  deactivate: 'Cannot deactivate the last active admin',
  demote: 'Cannot demote the last active admin',
  delete: 'Cannot delete the last active admin',
};

/** Write side of the admin API: every change, its guard rails, its effect on live credentials, its audit event. */
@Injectable()
export class AdminUsersService {
  private readonly logger = new Logger(AdminUsersService.name);
  private readonly postgres: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly state: AuthStateService,
    private readonly hasher: PasswordHasher,
    private readonly usage: UsageBuffer,
    private readonly clock: Clock,
  ) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  async create(
    actor: AdminActor,
    dto: CreateUserDto,
  ): Promise<{ user: UserOut; api_key: string; generated_password?: string }> {
    const generated = dto.password === undefined ? generatePassword() : undefined;
    const { user, apiKey } = await this.users.create(
      {
        email: dto.email,
        username: dto.username,
        password: dto.password ?? generated!,
        fullName: dto.full_name,
        role: dto.role,
        isVerified: dto.is_verified,
      },
      actor.meta,
      actor.id,
    );
    this.emit(SecurityEventType.AdminUserCreated, actor, user.id, {
      username: user.username,
      role: user.role,
      is_verified: user.isVerified,
      password_generated: !!generated,
    });
    return { user: this.users.toOut(user), api_key: apiKey, ...(generated ? { generated_password: generated } : {}) };
  }

  async update(actor: AdminActor, id: string, dto: UpdateUserDto): Promise<UserOut> {
    const user = await this.users.getById(id);
    const changes: Partial<User> = {};
    const diff: Record<string, { from: unknown; to: unknown }> = {};
    const set = <K extends keyof User>(key: K, wire: string, value: User[K]) => {
      if (user[key] === value) return;
      changes[key] = value;
      diff[wire] = { from: user[key], to: value };
    };

    if (dto.email !== undefined) {
      const email = UsersService.normalizeEmail(dto.email);
      if (email !== user.email) {
        set('email', 'email', email);
        if (dto.is_verified === undefined) set('isVerified', 'is_verified', false);
      }
    }
    if (dto.username !== undefined && dto.username !== user.username) {
      set('username', 'username', dto.username);
      changes.usernameCanonical = dto.username.toLowerCase();
    }
    if (dto.full_name !== undefined) set('fullName', 'full_name', dto.full_name?.trim() || null);
    if (dto.role !== undefined) set('role', 'role', dto.role);
    if (dto.is_active !== undefined) set('isActive', 'is_active', dto.is_active);
    if (dto.is_verified !== undefined) set('isVerified', 'is_verified', dto.is_verified);
    if (dto.rate_limits !== undefined) {
      const rl = dto.rate_limits;
      // null resets every window; a missing window keeps its value; a null window resets that one.
      if (rl === null || rl.per_minute !== undefined)
        set('rateLimitPerMinute', 'rate_limits.per_minute', rl?.per_minute ?? null);
      if (rl === null || rl.per_hour !== undefined)
        set('rateLimitPerHour', 'rate_limits.per_hour', rl?.per_hour ?? null);
      if (rl === null || rl.per_day !== undefined) set('rateLimitPerDay', 'rate_limits.per_day', rl?.per_day ?? null);
    }
    if (!Object.keys(changes).length) return this.users.toOut(user);

    const demote = changes.role === Role.User && user.role === Role.Admin;
    const deactivate = changes.isActive === false;
    if (demote) this.assertNotSelf(actor, id, 'demote');
    if (deactivate) this.assertNotSelf(actor, id, 'deactivate');
    if (changes.email || changes.usernameCanonical)
      await this.users.assertAvailable(changes.email ?? null, changes.usernameCanonical ?? null, id);

    try {
      if (demote || deactivate) await this.guardedUpdate(id, changes, demote ? 'demote' : 'deactivate');
      else await this.users.repo.update({ id }, changes);
    } catch (err) {
      throw this.users.duplicateError(err) ?? err;
    }
    // Status, role, limits and identity all live in the guard's cached user state.
    const ended = deactivate ? await this.sessions.revokeAll(id, 'deactivated') : 0;
    await this.state.invalidateUser(id);
    this.emit(
      SecurityEventType.AdminUserUpdated,
      actor,
      id,
      { changes: diff, ...(deactivate ? { sessions_revoked: ended } : {}) },
      deactivate || demote ? 'warning' : 'info',
    );
    return this.users.toOut(await this.users.getById(id));
  }

  async remove(actor: AdminActor, id: string): Promise<void> {
    this.assertNotSelf(actor, id, 'delete');
    const user = await this.users.getById(id);
    await this.guarded(id, 'delete', (em) =>
      em
        .createQueryBuilder()
        .delete()
        .from(User)
        .where('id = :id', { id })
        .andWhere(KEEPS_AN_ACTIVE_ADMIN, { guardId: id })
        .execute(),
    );
    // Sessions, service keys and jobs went with the row (ON DELETE CASCADE); forget what is cached of them.
    await this.state.invalidateUserSessions(id);
    await this.state.invalidateUser(id);
    this.usage.forget(id);
    this.emit(
      SecurityEventType.AdminUserDeleted,
      actor,
      id,
      { username: user.username, email: user.email, role: user.role },
      'warning',
    );
  }

  async suspend(actor: AdminActor, id: string, reason?: string): Promise<UserOut> {
    this.assertNotSelf(actor, id, 'suspend');
    await this.guardedUpdate(
      id,
      { isSuspended: true, suspendedReason: reason ?? null, suspendedAt: this.clock.date() },
      'suspend',
    );
    const ended = await this.sessions.revokeAll(id, 'suspended');
    await this.state.invalidateUser(id);
    this.emit(
      SecurityEventType.AdminUserSuspended,
      actor,
      id,
      { reason: reason ?? null, sessions_revoked: ended },
      'warning',
    );
    return this.users.toOut(await this.users.getById(id));
  }

  async unsuspend(actor: AdminActor, id: string): Promise<UserOut> {
    await this.updateExisting(id, { isSuspended: false, suspendedReason: null, suspendedAt: null });
    await this.state.invalidateUser(id);
    this.emit(SecurityEventType.AdminUserUnsuspended, actor, id, {});
    return this.users.toOut(await this.users.getById(id));
  }

  async unlock(actor: AdminActor, id: string): Promise<UserOut> {
    await this.updateExisting(id, { failedLoginAttempts: 0, lockedUntil: null });
    await this.state.invalidateUser(id);
    this.emit(SecurityEventType.AccountUnlocked, actor, id, { by_admin: true });
    return this.users.toOut(await this.users.getById(id));
  }

  /** Sets a new password (given, or generated and returned once), clears the lockout and ends every session. */
  async resetPassword(actor: AdminActor, id: string, newPassword?: string): Promise<string | null> {
    const user = await this.users.getById(id);
    const generated = newPassword === undefined ? generatePassword() : null;
    const password = newPassword ?? generated!;
    const errors = checkPassword(password, { username: user.username, email: user.email }, 'new_password');
    if (errors.length) throw AppError.validation(errors);
    await this.updateExisting(id, {
      hashedPassword: await this.hasher.hash(password),
      passwordChangedAt: this.clock.date(),
      failedLoginAttempts: 0,
      lockedUntil: null,
    });
    const ended = await this.sessions.revokeAll(id, 'password_reset');
    await this.state.invalidateUser(id);
    this.emit(
      SecurityEventType.PasswordReset,
      actor,
      id,
      { by_admin: true, password_generated: !!generated, sessions_revoked: ended },
      'warning',
    );
    return generated;
  }

  async revokeSessions(actor: AdminActor, id: string): Promise<number> {
    await this.users.getById(id);
    const ended = await this.sessions.revokeAll(id, 'admin_revoked');
    this.emit(SecurityEventType.AdminSessionsRevoked, actor, id, { sessions_revoked: ended });
    return ended;
  }

  async revokeSession(actor: AdminActor, id: string, sessionId: string): Promise<void> {
    await this.sessions.getOwned(id, sessionId);
    const ended = await this.sessions.revoke(sessionId, 'admin_revoked');
    this.emit(SecurityEventType.AdminSessionsRevoked, actor, id, {
      session_id: sessionId,
      sessions_revoked: ended ? 1 : 0,
    });
  }

  /** Applies one action to each id under the single-user rules; a failing id does not stop the others. */
  async bulk(
    actor: AdminActor,
    dto: BulkActionDto,
  ): Promise<{ action: BulkAction; results: BulkResult[]; succeeded: number; failed: number }> {
    const results: BulkResult[] = [];
    for (const id of dto.user_ids) {
      try {
        await this.applyOne(actor, dto.action, id, dto.reason);
        results.push({ user_id: id, success: true });
      } catch (err) {
        if (!(err instanceof AppError))
          this.logger.error(`bulk ${dto.action} failed for ${id}: ${(err as Error).message}`);
        const e = err instanceof AppError ? err : new AppError(ErrorCode.Internal, 'An unexpected error occurred');
        results.push({ user_id: id, success: false, error: { code: e.code, detail: e.detail } });
      }
    }
    const succeeded = results.filter((r) => r.success).length;
    const failed = results.length - succeeded;
    this.emit(SecurityEventType.AdminBulkAction, actor, null, {
      action: dto.action,
      user_ids: dto.user_ids,
      succeeded,
      failed,
      ...(dto.reason ? { reason: dto.reason } : {}),
    });
    return { action: dto.action, results, succeeded, failed };
  }

  private async applyOne(actor: AdminActor, action: BulkAction, id: string, reason?: string): Promise<void> {
    switch (action) {
      case BulkAction.Suspend:
        await this.suspend(actor, id, reason);
        return;
      case BulkAction.Unsuspend:
        await this.unsuspend(actor, id);
        return;
      case BulkAction.Activate:
        await this.update(actor, id, { is_active: true });
        return;
      case BulkAction.Deactivate:
        await this.update(actor, id, { is_active: false });
        return;
      case BulkAction.Verify:
        await this.update(actor, id, { is_verified: true });
        return;
      case BulkAction.Unlock:
        await this.unlock(actor, id);
        return;
      case BulkAction.RevokeSessions:
        await this.revokeSessions(actor, id);
        return;
      case BulkAction.Delete:
        await this.remove(actor, id);
        return;
    }
  }

  private assertNotSelf(actor: AdminActor, id: string, what: Removal): void {
    if (actor.id === id) throw new AppError(ErrorCode.Conflict, SELF[what]);
  }

  private async updateExisting(id: string, changes: Partial<User>): Promise<void> {
    const res = await this.users.repo.update({ id }, changes);
    if (!res.affected) throw AppError.notFound('User');
  }

  private guardedUpdate(id: string, changes: Partial<User>, what: Removal): Promise<void> {
    return this.guarded(id, what, (em) =>
      em
        .createQueryBuilder()
        .update(User)
        .set(changes)
        .where('id = :id', { id })
        .andWhere(KEEPS_AN_ACTIVE_ADMIN, { guardId: id })
        .execute(),
    );
  }

  /**
   * A write that could leave no active admin, refused (409) when it would. The check is part of the write's
   * WHERE. SQLite runs one statement at a time, so that alone is atomic; on Postgres two such statements could
   * each still see the other's admin (READ COMMITTED), so they take one transaction-scoped lock first and the
   * second, once it has the lock, reads what the first committed.
   */
  private async guarded(
    id: string,
    what: Removal,
    write: (em: EntityManager) => Promise<{ affected?: number | null }>,
  ): Promise<void> {
    const res = this.postgres
      ? await this.dataSource.transaction(async (em) => {
          await em.query('SELECT pg_advisory_xact_lock($1)', [LAST_ADMIN_LOCK]);
          return write(em);
        })
      : await write(this.dataSource.manager);
    if (res.affected) return;
    if (!(await this.users.repo.exists({ where: { id } }))) throw AppError.notFound('User');
    throw new AppError(ErrorCode.Conflict, LAST[what]);
  }

  private emit(
    type: SecurityEventType,
    actor: AdminActor,
    userId: string | null,
    details: Record<string, unknown>,
    severity: 'info' | 'warning' = 'info',
  ): void {
    this.users.emit({ type, severity, userId, actorId: actor.id, meta: actor.meta, details });
  }
}
