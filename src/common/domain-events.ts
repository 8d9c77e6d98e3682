/**
 * The names of the domain events the service publishes through the unit of work, `<subject>.<verb>`. A write
 * publishes its event inside the unit that changes the row; listeners (the principal cache, outboxes, the audit
 * trail) subscribe to these names. Payloads carry ids, never a secret.
 */
export const UserEvent = {
  Created: 'user.created',
  /** Profile, identity, role, status or limits changed; `fields` names what. */
  Updated: 'user.updated',
  Suspended: 'user.suspended',
  Unsuspended: 'user.unsuspended',
  Deleted: 'user.deleted',
  PasswordChanged: 'user.password_changed',
  EmailChanged: 'user.email_changed',
  /** A password sign-in: the lockout count is cleared and last_login_at set. */
  SignedIn: 'user.signed_in',
  /** A correct password of an account with a second factor: the attempt it reserved is given back. */
  SignInPending: 'user.sign_in_pending',
  /** Failed sign-ins reached the limit: the account is locked until `locked_until`. */
  Locked: 'user.locked',
  /** A usage counter (requests, jobs) was written. */
  UsageCounted: 'user.usage_counted',
  SessionsRevoked: 'user.sessions_revoked',
} as const;

export const SessionEvent = { Revoked: 'session.revoked' } as const;

export const ApiKeyEvent = {
  Created: 'api_key.created',
  /** Name, scopes or limits changed. */
  Updated: 'api_key.updated',
  /** A new secret; the old one works until the overlap ends. */
  Rolled: 'api_key.rolled',
  /** Deleted (by its owner, an admin, or `/oauth/revoke`): it stops working at once. */
  Revoked: 'api_key.revoked',
} as const;

export type UserEventPayload = {
  user_id: string;
  fields?: string[];
};

export type SessionRevokedPayload = {
  user_id: string;
  session_id: string;
  reason: string;
};

export type SessionsRevokedPayload = {
  user_id: string;
  session_ids: string[];
  reason: string;
};

export type ApiKeyEventPayload = {
  user_id: string;
  key_id: string;
};
