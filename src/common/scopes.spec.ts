import { UserSnapshot } from './principal';
import { AppError } from './errors';
import { Role } from './role';
import { checkRequirement, hasFullAccess, requiredScope, ROLE_SCOPES, scopesOf } from './scopes';

const user = (role: Role) => ({ role }) as UserSnapshot;

describe('scopes', () => {
  it('a JWT (no scopes on the principal) holds every scope of its role', () => {
    expect(scopesOf({ user: user(Role.User) })).toEqual(ROLE_SCOPES[Role.User]);
    expect(ROLE_SCOPES[Role.User]).not.toContain('admin');
    expect(ROLE_SCOPES[Role.Admin]).toEqual(expect.arrayContaining(['admin', 'introspect']));
    expect(() => checkRequirement({ user: user(Role.User) }, 'full')).not.toThrow();
  });

  it('a key lacking the scope: 403 insufficient_scope naming it', () => {
    const sut = { user: user(Role.User), scopes: ['jobs:read'] };
    expect(() => requiredScope(sut, 'jobs:read')).not.toThrow();
    let err: AppError | undefined;
    try {
      requiredScope(sut, 'tts');
    } catch (e) {
      err = e as AppError;
    }
    expect(err?.status).toBe(403);
    expect(err?.options.headers?.['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="tts"');
  });

  it('full access: every scope of the owner; undeclared routes count as full', () => {
    const all = { user: user(Role.User), scopes: [...ROLE_SCOPES[Role.User]] };
    const admin = { user: user(Role.Admin), scopes: [...ROLE_SCOPES[Role.User]] };
    expect(hasFullAccess(all)).toBe(true);
    expect(hasFullAccess(admin)).toBe(false); // an admin's key without admin/introspect is not full
    expect(() => checkRequirement({ user: user(Role.User), scopes: ['tts'] }, undefined)).toThrow(AppError);
    expect(() => checkRequirement({ user: user(Role.User), scopes: ['tts'] }, 'any')).not.toThrow();
  });
});
