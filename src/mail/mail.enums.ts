/** What a mail is: a link to act on, or a notice of something that happened to the account. */
export enum MailKind {
  VerifyEmail = 'verify_email',
  PasswordReset = 'password_reset',
  PasswordChanged = 'password_changed',
  EmailChanged = 'email_changed',
  SecondFactorRemoved = 'second_factor_removed',
  SuspiciousSignIn = 'suspicious_sign_in',
}

export enum MailStatus {
  Pending = 'pending',
  Sent = 'sent',
  /** Retries exhausted. */
  Failed = 'failed',
  /** Nothing to send any more (the account is gone, or changed since the mail was asked for). */
  Cancelled = 'cancelled',
}

export enum EmailTokenPurpose {
  VerifyEmail = 'verify_email',
  PasswordReset = 'password_reset',
}
