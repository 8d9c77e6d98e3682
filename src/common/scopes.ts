import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { AppError, ErrorCode } from './errors';
import { Principal } from './principal';
import { Role } from './role';

/**
 * Every scope a credential can hold (API keys, stream tokens, the gate's `X-Scopes`); `admin` and `introspect` only
 * administrators hold. A JWT holds every scope of its user's role.
 */
export const SCOPES = [
  'profile:read',
  'profile:write',
  'jobs:read',
  'jobs:write',
  'service_keys:read',
  'service_keys:write',
  'transcribe',
  'translate',
  'tts',
  'admin',
  'introspect',
] as const;
export type Scope = (typeof SCOPES)[number];

export const ADMIN_ONLY_SCOPES: readonly Scope[] = Object.freeze(['admin', 'introspect'] as Scope[]);

export const isScope = (value: unknown): value is Scope => (SCOPES as readonly unknown[]).includes(value);

/** What "every scope" means for an owner of this role. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = Object.freeze({
  [Role.Admin]: Object.freeze([...SCOPES]),
  [Role.User]: Object.freeze(SCOPES.filter((s) => !ADMIN_ONLY_SCOPES.includes(s))),
});

/** A route's requirement: one scope, every scope the owner has (`full`), or none beyond authentication (`any`). */
export type ScopeRequirement = { scope: Scope } | 'full' | 'any';
export const SCOPE_REQUIREMENT = 'voicegate:scope';

/** The scope an API key needs for this route (JWTs hold every scope of their user). */
export const RequireScope = (scope: Scope) =>
  applyDecorators(
    SetMetadata(SCOPE_REQUIREMENT, { scope } satisfies ScopeRequirement),
    ApiExtension('x-required-scopes', [scope]),
  );

/**
 * Account management (keys, password, sessions, second factors, email): a JWT, or an API key holding every scope
 * its owner has. Routes without a declaration are treated the same way (default-deny).
 */
export const RequireFullAccess = () =>
  applyDecorators(
    SetMetadata(SCOPE_REQUIREMENT, 'full' satisfies ScopeRequirement),
    ApiExtension('x-required-scopes', ['*']),
  );

/** Any authenticated caller; the handler checks scopes itself (e.g. per route class with {@link requiredScope}). */
export const AnyScope = () =>
  applyDecorators(
    SetMetadata(SCOPE_REQUIREMENT, 'any' satisfies ScopeRequirement),
    ApiExtension('x-required-scopes', []),
  );

/** The scopes a principal holds: a key's (or a stream token's) own, or every scope of its user's role. */
export function scopesOf(principal: Pick<Principal, 'user' | 'scopes'>): readonly Scope[] {
  return (principal.scopes as readonly Scope[] | undefined) ?? ROLE_SCOPES[principal.user.role];
}

export function hasScope(principal: Pick<Principal, 'user' | 'scopes'>, scope: Scope): boolean {
  return !principal.scopes || principal.scopes.includes(scope);
}

/** Whether the principal holds every scope its user could hold (always true for a JWT). */
export function hasFullAccess(principal: Pick<Principal, 'user' | 'scopes'>): boolean {
  if (!principal.scopes) return true;
  const all = ROLE_SCOPES[principal.user.role];
  return all.every((s) => principal.scopes!.includes(s));
}

/** 403 with RFC 6750's `insufficient_scope` challenge naming the scopes that would do. */
export function insufficientScope(required: readonly string[], detail: string): AppError {
  return new AppError(ErrorCode.InsufficientScope, detail, {
    headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${required.join(' ')}"` },
    extensions: { error: 'insufficient_scope', scope: required.join(' ') },
  });
}

/** Throws 403 `insufficient_scope` unless the principal holds `scope`. */
export function requiredScope(principal: Pick<Principal, 'user' | 'scopes'>, scope: Scope): void {
  if (!hasScope(principal, scope)) throw insufficientScope([scope], `This API key lacks the scope "${scope}"`);
}

/** Throws 403 `insufficient_scope` unless the caller is a JWT or a key with every scope of its owner. */
export function requiredFullAccess(principal: Pick<Principal, 'user' | 'scopes'>): void {
  if (!hasFullAccess(principal))
    throw insufficientScope(
      ROLE_SCOPES[principal.user.role],
      'Managing keys, passwords, sessions, second factors and email needs a JWT or an API key with every scope',
    );
}

/** Applies a route's requirement (undefined: as `full`). */
export function checkRequirement(
  principal: Pick<Principal, 'user' | 'scopes'>,
  req: ScopeRequirement | undefined,
): void {
  if (!principal.scopes || req === 'any') return;
  if (req === undefined || req === 'full') requiredFullAccess(principal);
  else requiredScope(principal, req.scope);
}

/** Introspection: an admin (JWT or all-scope key), or a key holding `introspect` (or `admin`, for an admin's key). */
export function mayIntrospect(principal: Pick<Principal, 'user' | 'scopes'>): boolean {
  const scopes = scopesOf(principal);
  return scopes.includes('introspect') || (scopes.includes('admin') && principal.user.role === Role.Admin);
}
