/** Account states an admin filters by; a user can be in several (e.g. locked and unverified). */
export enum UserStatus {
  /** Can sign in: active, not suspended, not locked. */
  Active = 'active',
  Inactive = 'inactive',
  Suspended = 'suspended',
  Locked = 'locked',
  Unverified = 'unverified',
}

export enum UserSort {
  CreatedAsc = 'created_at',
  CreatedDesc = '-created_at',
  UsernameAsc = 'username',
  UsernameDesc = '-username',
  EmailAsc = 'email',
  EmailDesc = '-email',
  LastLoginAsc = 'last_login_at',
  LastLoginDesc = '-last_login_at',
}

export enum BulkAction {
  Suspend = 'suspend',
  Unsuspend = 'unsuspend',
  Activate = 'activate',
  Deactivate = 'deactivate',
  Verify = 'verify',
  Unlock = 'unlock',
  RevokeSessions = 'revoke_sessions',
  Delete = 'delete',
}
