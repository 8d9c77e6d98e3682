import { ExecutionContext } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common/errors';
import { KeyAccessGuard } from '../../personal-keys/key-access.guard';
import { RateLimitGuard } from '../../rate-limit/rate-limit.guard';
import { AuthenticationGuard } from './authentication.guard';
import { RequestGuard } from './request.guard';
import { RolesGuard } from './roles.guard';
import { PasswordWork, preParseAdmission } from './pre-parse-admission';

/** Gives a fake request the route config tagRouteTargets would have put there. */
function tagForTest(req: { routeOptions: { config: Record<string, unknown> } }, passwordWork = false): void {
  class C {
    h() {}
  }
  if (passwordWork) PasswordWork()(C.prototype, 'h', Object.getOwnPropertyDescriptor(C.prototype, 'h')!);
  req.routeOptions.config.voicegateTarget = { cls: C, handler: C.prototype.h };
}

describe('RequestGuard', () => {
  const req = {};
  const context = { switchToHttp: () => ({ getRequest: () => req }) } as unknown as ExecutionContext;
  const calls: string[] = [];
  const setup = (opts: { auth: boolean | Promise<boolean> | Error; roles?: boolean | Error; limited?: boolean }) => {
    calls.length = 0;
    const authentication = {
      canActivate: () => {
        calls.push('authentication');
        if (opts.auth instanceof Error) throw opts.auth;
        return opts.auth;
      },
    } as unknown as AuthenticationGuard;
    const roles = {
      canActivate: () => {
        calls.push('roles');
        if (opts.roles instanceof Error) throw opts.roles;
        return opts.roles ?? true;
      },
    } as unknown as RolesGuard;
    const rateLimit = {
      appliesTo: () => opts.limited ?? false,
      canActivate: async () => {
        calls.push('rate-limit');
        return true;
      },
    } as unknown as RateLimitGuard;
    const keyAccess = { canActivate: () => true } as unknown as KeyAccessGuard;
    return new RequestGuard(authentication, keyAccess, roles, rateLimit);
  };

  it('answers synchronously when authentication did and the route is not limited', () => {
    expect(setup({ auth: true }).canActivate(context)).toBe(true);
    expect(calls).toEqual(['authentication', 'roles']);
  });

  it('runs authentication, roles, then the rate limit, in that order', async () => {
    const result = setup({ auth: Promise.resolve(true), limited: true }).canActivate(context);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe(true);
    expect(calls).toEqual(['authentication', 'roles', 'rate-limit']);
  });

  it('a refused authentication stops the chain (nothing counted, no role checked)', async () => {
    const refused = new AppError(ErrorCode.InvalidToken, 'Invalid or expired token');
    await expect(setup({ auth: Promise.reject(refused), limited: true }).canActivate(context)).rejects.toBe(refused);
    expect(calls).toEqual(['authentication']);
    expect(() => setup({ auth: refused, limited: true }).canActivate(context)).toThrow(refused);
    expect(calls).toEqual(['authentication']);
  });

  it('a 403 from roles is answered before the budget is counted', () => {
    const forbidden = new AppError(ErrorCode.Forbidden, 'You do not have permission to perform this action');
    expect(() => setup({ auth: true, roles: forbidden, limited: true }).canActivate(context)).toThrow(forbidden);
    expect(calls).toEqual(['authentication', 'roles']);
  });

  it('a request the chain admitted before its body was read passes without a second run', () => {
    const admittedReq = { routeOptions: { config: {} } };
    const ctx = { switchToHttp: () => ({ getRequest: () => admittedReq }) } as unknown as ExecutionContext;
    tagForTest(admittedReq);
    const sut = setup({ auth: true });
    const done = jest.fn();
    preParseAdmission(sut)(admittedReq as never, {} as never, {} as never, done);
    expect(done).toHaveBeenCalledWith(null, {});
    calls.length = 0;
    expect(sut.canActivate(ctx)).toBe(true);
    expect(calls).toEqual([]);
  });

  it('a password route is refused before anything runs while the hasher is full', () => {
    const busy = new AppError(ErrorCode.ServiceUnavailable, 'busy');
    const fullReq = { routeOptions: { config: {} } };
    tagForTest(fullReq, true);
    const done = jest.fn();
    calls.length = 0;
    preParseAdmission(setup({ auth: true }), {
      assertCapacity: () => {
        throw busy;
      },
    })(fullReq as never, {} as never, {} as never, done);
    expect(done).toHaveBeenCalledWith(busy);
    expect(calls).toEqual([]);
  });
});
