import { Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/errors';
import { Clock } from '../common/clock';
import { SecurityEventInput, SecurityEventType } from '../audit/audit.events';
import { User } from '../users/entities/user.entity';
import { Role } from '../users/users.enums';
import { BulkAction } from './admin.enums';
import { AdminActor, AdminUsersService } from './admin-users.service';
import { DomainEvent } from '../database/unit-of-work';

const ADMIN = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const MISSING = '00000000-0000-4000-8000-000000000003';
const BROKEN = '00000000-0000-4000-8000-000000000004';

describe('AdminUsersService', () => {
  const actor: AdminActor = { id: ADMIN, meta: { ip: '203.0.113.9', requestId: 'r1' } };
  let emitted: SecurityEventInput[];
  let repo: { update: jest.Mock; exists: jest.Mock };
  let users: Record<string, jest.Mock | unknown>;
  let sessions: { revokeAll: jest.Mock };
  let state: { invalidateUser: jest.Mock };
  let write: jest.Mock;
  let published: DomainEvent[];
  let sut: AdminUsersService;

  const user = (over: Partial<User> = {}): User =>
    Object.assign(new User(), {
      id: OTHER,
      username: 'other',
      email: 'other@example.com',
      role: Role.User,
      isActive: true,
      isSuspended: false,
      ...over,
    });

  beforeEach(() => {
    emitted = [];
    repo = { update: jest.fn().mockResolvedValue({ affected: 1 }), exists: jest.fn().mockResolvedValue(true) };
    users = {
      repo,
      getById: jest.fn(async (id: string) => {
        if (id === MISSING) throw AppError.notFound('User');
        return user({ id });
      }),
      toOut: jest.fn((u: User) => ({ id: u.id })),
      emit: jest.fn((e: SecurityEventInput) => emitted.push(e)),
      assertAvailable: jest.fn(),
      duplicateError: jest.fn(() => null),
    };
    sessions = { revokeAll: jest.fn().mockResolvedValue(2) };
    state = { invalidateUser: jest.fn() };
    // The guarded statement: only OTHER exists; BROKEN makes the database fail.
    write = jest.fn();
    let target: string | undefined;
    const qb = {
      update: () => qb,
      set: () => qb,
      delete: () => qb,
      from: () => qb,
      where: (_: string, params: { id: string }) => {
        target = params.id;
        return qb;
      },
      andWhere: () => qb,
      execute: () => write(target),
    };
    write.mockImplementation(async (id: string) => {
      if (id === BROKEN) throw new Error('disk I/O error');
      return { affected: id === OTHER ? 1 : 0 };
    });
    repo.exists.mockImplementation(async ({ where }: { where: { id: string } }) => where.id === OTHER);
    const dataSource = { options: { type: 'better-sqlite3' }, manager: { createQueryBuilder: () => qb } };
    // The unit of work runs each yielded statement (the fake builder) and records what was published.
    published = [];
    const unitOfWork = {
      async run(steps: (unit: unknown) => Generator<typeof qb, unknown, { rows: unknown[]; affected: number }>) {
        const unit = {
          em: dataSource.manager,
          postgres: false,
          *write(statement: typeof qb): Generator<typeof qb, number, { affected: number }> {
            return (yield statement).affected;
          },
          *read(statement: typeof qb): Generator<typeof qb, unknown[], { rows: unknown[] }> {
            return (yield statement).rows;
          },
          // eslint-disable-next-line require-yield
          *publish(event: DomainEvent) {
            published.push(event);
          },
        };
        const it = steps(unit);
        for (let next = it.next(); ;) {
          if (next.done) return next.value;
          const res = (await next.value.execute()) as { affected: number };
          next = it.next({ rows: [], affected: res.affected });
        }
      },
    };
    sut = new AdminUsersService(
      dataSource as never,
      users as never,
      sessions as never,
      state as never,
      {} as never,
      { forget: jest.fn() } as never,
      new Clock(),
      unitOfWork as never,
    );
  });

  it.each([
    ['suspend', (s: AdminUsersService) => s.suspend(actor, ADMIN, 'x'), 'You cannot suspend your own account'],
    ['delete', (s: AdminUsersService) => s.remove(actor, ADMIN), 'You cannot delete your own account'],
  ])('refuses to %s oneself before touching the database', async (_, act, detail) => {
    await expect(act(sut)).rejects.toMatchObject({ code: ErrorCode.Conflict, detail });
    expect(write).not.toHaveBeenCalled();
    expect(sessions.revokeAll).not.toHaveBeenCalled();
    expect(emitted).toEqual([]);
  });

  it('suspends: guarded write, then every session ends and the cached state is dropped, then the audit event', async () => {
    await sut.suspend(actor, OTHER, 'abuse');
    expect(write).toHaveBeenCalledWith(OTHER);
    expect(sessions.revokeAll).toHaveBeenCalledWith(OTHER, 'suspended');
    expect(state.invalidateUser).toHaveBeenCalledWith(OTHER);
    expect(published).toEqual([{ name: 'user.suspended', payload: { user_id: OTHER } }]);
    expect(emitted).toEqual([
      expect.objectContaining({
        type: SecurityEventType.AdminUserSuspended,
        userId: OTHER,
        actorId: ADMIN,
        details: { reason: 'abuse', sessions_revoked: 2 },
      }),
    ]);
  });

  it('a refused guarded write is 404 for a missing user and 409 for the last admin', async () => {
    await expect(sut.suspend(actor, MISSING, 'x')).rejects.toMatchObject({ code: ErrorCode.NotFound });
    repo.exists.mockResolvedValue(true);
    write.mockResolvedValue({ affected: 0 });
    await expect(sut.suspend(actor, OTHER, 'x')).rejects.toMatchObject({
      code: ErrorCode.Conflict,
      detail: 'Cannot suspend the last active admin',
    });
    expect(sessions.revokeAll).not.toHaveBeenCalled();
  });

  it('an update that changes nothing writes nothing and emits nothing', async () => {
    await sut.update(actor, OTHER, { username: 'other', role: Role.User, is_active: true });
    expect(repo.update).not.toHaveBeenCalled();
    expect(emitted).toEqual([]);
  });

  it('refuses a weak new password before changing anything', async () => {
    await expect(sut.resetPassword(actor, OTHER, 'password')).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
    });
    expect(repo.update).not.toHaveBeenCalled();
    expect(sessions.revokeAll).not.toHaveBeenCalled();
  });

  it('bulk: each id on its own, failures reported with code and detail, one summary event', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const res = await sut.bulk(actor, {
      action: BulkAction.Suspend,
      user_ids: [OTHER, MISSING, ADMIN, BROKEN],
      reason: 'cleanup',
    });
    expect(res).toEqual({
      action: BulkAction.Suspend,
      succeeded: 1,
      failed: 3,
      results: [
        { user_id: OTHER, success: true },
        { user_id: MISSING, success: false, error: { code: 'NOT_FOUND', detail: 'User not found' } },
        { user_id: ADMIN, success: false, error: { code: 'CONFLICT', detail: 'You cannot suspend your own account' } },
        { user_id: BROKEN, success: false, error: { code: 'INTERNAL_ERROR', detail: 'An unexpected error occurred' } },
      ],
    });
    expect(emitted.map((e) => e.type)).toEqual([
      SecurityEventType.AdminUserSuspended,
      SecurityEventType.AdminBulkAction,
    ]);
    expect(emitted[1]).toMatchObject({
      actorId: ADMIN,
      userId: null,
      details: { action: 'suspend', succeeded: 1, failed: 3, reason: 'cleanup' },
    });
    expect(JSON.stringify(emitted)).not.toContain('disk I/O');
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('disk I/O error'));
    logged.mockRestore();
  });
});
