import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SecurityEventType } from '../audit/audit.events';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { RequestMetadata } from '../common/principal';
import { SessionsService } from '../sessions/sessions.service';
import { User } from '../users/entities/user.entity';
import { PasswordHasher } from '../users/password/password-hasher.service';
import { checkPassword } from '../users/password/password-policy';
import { UserOut } from '../users/user.mapper';
import { Role } from '../users/users.enums';
import { AdminRemoval, UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { UsageBuffer } from '../auth/credential/usage-buffer';
import { UserPresenter } from '../auth/user-presenter';
import { BulkAction } from './admin.enums';
import { BulkResultDto, BulkResultItemDto, CreateUserResponseDto } from './dto/admin-response.dto';
import { BulkActionDto } from './dto/bulk-action.dto';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { mergeQuotaOverrides } from '../users/quota';

/** Who is acting, and from where (every admin action is audited with both). */
export interface AdminActor {
  id: string;
  sessionId?: string;
  meta: Partial<RequestMetadata>;
}

export type BulkResult = BulkResultItemDto;

/** 144 random bits in base64url: 24 characters, no common-password or length issue. */
const generatePassword = (): string => randomBytes(18).toString('base64url');

type Removal = AdminRemoval;
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

  constructor(
    private readonly users: UsersService,
    private readonly userRows: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly usage: UsageBuffer,
    private readonly present: UserPresenter,
    private readonly clock: Clock,
  ) {}

  async create(actor: AdminActor, dto: CreateUserDto): Promise<CreateUserResponseDto> {
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
    return { user: this.present.user(user), api_key: apiKey, ...(generated ? { generated_password: generated } : {}) };
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
    if (dto.quota !== undefined) {
      const next = mergeQuotaOverrides(user.quotaOverrides, dto.quota);
      if (JSON.stringify(next) !== JSON.stringify(user.quotaOverrides ?? null)) {
        changes.quotaOverrides = next;
        diff.quota = { from: user.quotaOverrides ?? null, to: next };
      }
    }
    if (!Object.keys(changes).length) return this.present.user(user);

    const demote = changes.role === Role.User && user.role === Role.Admin;
    const deactivate = changes.isActive === false;
    if (demote) this.assertNotSelf(actor, id, 'demote');
    if (deactivate) this.assertNotSelf(actor, id, 'deactivate');
    if (changes.email || changes.usernameCanonical)
      await this.users.assertAvailable(changes.email ?? null, changes.usernameCanonical ?? null, id);

    // An address change tells the old address too (the email module hears `previous_email`).
    const context = changes.email ? { previous_email: user.email } : {};
    try {
      if (demote || deactivate) await this.guarded(id, demote ? 'demote' : 'deactivate', changes, context);
      else await this.updateExisting(id, changes, context);
    } catch (err) {
      throw this.users.duplicateError(err) ?? err;
    }
    const ended = deactivate ? await this.sessions.revokeAll(id, 'deactivated') : 0;
    this.emit(
      SecurityEventType.AdminUserUpdated,
      actor,
      id,
      { changes: diff, ...(deactivate ? { sessions_revoked: ended } : {}) },
      deactivate || demote ? 'warning' : 'info',
    );
    return this.present.user(await this.users.getById(id));
  }

  async remove(actor: AdminActor, id: string): Promise<void> {
    this.assertNotSelf(actor, id, 'delete');
    const user = await this.users.getById(id);
    // Sessions, service keys and jobs go with the row (ON DELETE CASCADE); its buffered usage has no row left.
    await this.guarded(id, 'delete');
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
    await this.guarded(id, 'suspend', {
      isSuspended: true,
      suspendedReason: reason ?? null,
      suspendedAt: this.clock.date(),
    });
    const ended = await this.sessions.revokeAll(id, 'suspended');
    this.emit(
      SecurityEventType.AdminUserSuspended,
      actor,
      id,
      { reason: reason ?? null, sessions_revoked: ended },
      'warning',
    );
    return this.present.user(await this.users.getById(id));
  }

  async unsuspend(actor: AdminActor, id: string): Promise<UserOut> {
    await this.updateExisting(id, { isSuspended: false, suspendedReason: null, suspendedAt: null });
    this.emit(SecurityEventType.AdminUserUnsuspended, actor, id, {});
    return this.present.user(await this.users.getById(id));
  }

  async unlock(actor: AdminActor, id: string): Promise<UserOut> {
    await this.updateExisting(id, { failedLoginAttempts: 0, lockedUntil: null });
    this.emit(SecurityEventType.AccountUnlocked, actor, id, { by_admin: true });
    return this.present.user(await this.users.getById(id));
  }

  /** Sets a new password (given, or generated and returned once), clears the lockout and ends every session. */
  async resetPassword(actor: AdminActor, id: string, newPassword?: string): Promise<string | null> {
    const user = await this.users.getById(id);
    const generated = newPassword === undefined ? generatePassword() : null;
    const password = newPassword ?? generated!;
    const errors = checkPassword(password, { username: user.username, email: user.email }, 'new_password');
    if (errors.length) throw AppError.validation(errors);
    const hashed = await this.hasher.hash(password);
    const lockout = { failedLoginAttempts: 0, lockedUntil: null };
    if (!(await this.userRows.setPassword(id, hashed, this.clock.date(), lockout))) throw AppError.notFound('User');
    const ended = await this.sessions.revokeAll(id, 'password_reset');
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
  async bulk(actor: AdminActor, dto: BulkActionDto): Promise<BulkResultDto> {
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

  private async updateExisting(
    id: string,
    changes: Partial<User>,
    context: { previous_email?: string } = {},
  ): Promise<void> {
    if (!(await this.userRows.update(id, changes, context))) throw AppError.notFound('User');
  }

  /** A write that could leave no active admin, refused (409) when it would (see UsersRepository.guarded). */
  private async guarded(
    id: string,
    what: Removal,
    changes: Partial<User> = {},
    context: { previous_email?: string } = {},
  ): Promise<void> {
    const result = await this.userRows.guarded(id, what, changes, context);
    if (result === 'not_found') throw AppError.notFound('User');
    if (result === 'last_admin') throw new AppError(ErrorCode.Conflict, LAST[what]);
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
