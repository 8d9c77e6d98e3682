import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  LOGIN_ATTEMPT,
  LoginAttemptInput,
  LOGOUT,
  LogoutInput,
  SECURITY_EVENT,
  SecurityEventInput,
  SecurityEventType,
} from '../audit/audit.events';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { Principal, RequestMetadata } from '../common/principal';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { assertEmailVerified } from './require-verified-email';
import { UserSession } from '../sessions/entities/user-session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { User } from '../users/entities/user.entity';
import { PasswordHasher } from '../users/password/password-hasher.service';
import { checkPassword } from '../users/password/password-policy';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { assertUsable } from './credential/principal-cache';
import { CredentialMethod, SecondFactorChallenge, SecondFactorGate, SecondFactorKind } from './second-factor';
import { TokenPair, TokenService } from './token.service';
import { UnknownNameLockout } from './unknown-name-lockout';

export type { CredentialMethod };

const INCORRECT = 'Incorrect username or password';
const GRANT_ERROR = { extensions: { error: 'invalid_grant' } };
const amrOf = (session: UserSession): string[] | undefined => session.amr?.split(',') ?? undefined;

/** A sign-in attempt as the login history records it. */
interface Attempt {
  login: string;
  method: CredentialMethod;
  meta: Partial<RequestMetadata>;
  secondFactor?: SecondFactorKind | null;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  /** A login whose hash has an outdated cost: rehashed once its session exists (so the rehash cannot refuse it). */
  private readonly rehashAfterSession = new WeakMap<User, string>();
  private secondFactor?: SecondFactorGate;

  constructor(
    private readonly users: UsersService,
    private readonly userRows: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly tokens: TokenService,
    private readonly hasher: PasswordHasher,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
    private readonly unknownNames: UnknownNameLockout,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Checks a username-or-email and password under the lockout rule. Each attempt first reserves a slot with one
   * conditional UPDATE, so N parallel wrong passwords evaluate at most the limit.
   */
  async verifyPassword(
    login: string,
    password: string,
    meta: Partial<RequestMetadata>,
    method: CredentialMethod,
  ): Promise<User> {
    this.hasher.assertCapacity(); // refused before the attempt counts toward the lockout
    const user = await this.users.findByLogin(login);
    if (!user) throw await this.refuseUnknownName(login, password, { login, method, meta });

    const now = this.clock.date();
    const lockUntil = new Date(now.getTime() + this.config.lockout.minutes * 60_000);
    const max = this.config.lockout.maxAttempts;
    const reserved = await this.userRows.reserveLoginAttempt(user.id, now, lockUntil, max);
    if (!reserved) throw await this.refuseLocked(user.id, { login, method, meta });

    const ok = await this.hasher.verify(password, user.hashedPassword);
    if (!ok) throw await this.countFailure(user.id, { login, method, meta }, 'bad_password');

    await this.assertMaySignIn(user, { login, method, meta });
    // With a second factor a correct password only gives its attempt back: the count resets when the factor is given.
    if (await this.secondFactor?.required(user.id)) await this.userRows.releaseLoginAttempt(user.id, max);
    else await this.userRows.recordSignIn(user.id, now);
    // The row as it is now, only while it still holds the hash just verified (a password change may have landed).
    const current = await this.userRows.findById(user.id);
    if (!current || current.hashedPassword !== user.hashedPassword) throw this.invalidCredentials(method);
    if (this.hasher.needsRehash(user.hashedPassword)) this.rehashAfterSession.set(current, password);
    return current;
  }

  /**
   * Reserves one attempt of the lockout count (one conditional UPDATE, so N parallel attempts evaluate at most the
   * limit); false while the account is locked. Every try of a second factor reserves one too.
   */
  reserveAttempt(userId: string): Promise<boolean> {
    const now = this.clock.date();
    const lockUntil = new Date(now.getTime() + this.config.lockout.minutes * 60_000);
    return this.userRows.reserveLoginAttempt(userId, now, lockUntil, this.config.lockout.maxAttempts);
  }

  /** Gives back a reserved attempt that turned out to be no failure of the user's (the lock it set is lifted). */
  releaseAttempt(userId: string): Promise<void> {
    return this.userRows.releaseLoginAttempt(userId, this.config.lockout.maxAttempts);
  }

  /** A completed sign-in (the second factor given, or a passkey): the count and any lock are cleared. */
  resetAttempts(userId: string): Promise<void> {
    return this.userRows.recordSignIn(userId, this.clock.date());
  }

  /**
   * A reserved attempt that failed: recorded in the login history, and the account-locked event when it was the one
   * that locked the account. Returns the error to throw (423 when locked).
   */
  async countFailure(
    userId: string,
    attempt: Attempt,
    failureReason: 'bad_password' | 'bad_mfa_code',
  ): Promise<AppError> {
    const max = this.config.lockout.maxAttempts;
    const after = await this.userRows.recordFailedLogin(userId, this.clock.date(), max);
    await this.recordAttempt({
      userId,
      usernameAttempted: attempt.login,
      success: false,
      failureReason,
      method: attempt.method,
      meta: attempt.meta,
      secondFactor: attempt.secondFactor ?? null,
    });
    if (after.attempts >= max && after.lockedUntil) {
      this.emit({
        type: SecurityEventType.AccountLocked,
        severity: 'warning',
        userId,
        meta: attempt.meta,
        details: { attempts: after.attempts, locked_until: after.lockedUntil },
      });
      return this.lockedError(userId);
    }
    return failureReason === 'bad_mfa_code'
      ? new AppError(ErrorCode.InvalidMfaCode, 'Invalid code', attempt.method === 'oauth2_password' ? GRANT_ERROR : {})
      : this.invalidCredentials(attempt.method);
  }

  /**
   * A name no account has: the same answers as an account under the lockout rule (401, then 423 from the attempt
   * that reaches the limit, and 423 without checking anything while locked), so the lockout tells no one which
   * names exist. Returns the error to throw.
   */
  private async refuseUnknownName(login: string, password: string, attempt: Attempt): Promise<AppError> {
    const counted = await this.unknownNames.fail(login);
    if (!counted.locked) await this.hasher.verifyDummy(password);
    await this.recordAttempt({
      userId: null,
      usernameAttempted: login.slice(0, 254),
      success: false,
      failureReason: counted.locked ? 'account_locked' : 'unknown_user',
      method: attempt.method,
      meta: attempt.meta,
    });
    return counted.until ? this.lockedUntil(counted.until) : this.invalidCredentials(attempt.method);
  }

  /** An attempt on a locked account: recorded in the login history; returns the 423 to throw. */
  async refuseLocked(userId: string, attempt: Attempt): Promise<AppError> {
    await this.recordAttempt({
      userId,
      usernameAttempted: attempt.login,
      success: false,
      failureReason: 'account_locked',
      method: attempt.method,
      meta: attempt.meta,
      secondFactor: attempt.secondFactor ?? null,
    });
    return this.lockedError(userId);
  }

  /** 423 when the account is locked now (checked without counting an attempt: a passkey sign-in). */
  async assertNotLocked(userId: string, attempt: Attempt): Promise<void> {
    const u = await this.userRows.lockout(userId);
    if (u?.lockedUntil && new Date(u.lockedUntil).getTime() > this.clock.now())
      throw await this.refuseLocked(userId, attempt);
  }

  /**
   * Refuses a sign-in of a suspended, inactive or (with REQUIRE_VERIFIED_EMAIL) unverified account, after its
   * credential was right; the refusal is recorded and neither resets the failure count nor records a login.
   */
  async assertMaySignIn(user: User, attempt: Attempt): Promise<void> {
    try {
      assertUsable(user);
      assertEmailVerified(user, this.config);
    } catch (err) {
      await this.recordAttempt({
        userId: user.id,
        usernameAttempted: attempt.login,
        success: false,
        failureReason: user.isSuspended ? 'suspended' : user.isActive ? 'email_not_verified' : 'inactive',
        method: attempt.method,
        meta: attempt.meta,
        secondFactor: attempt.secondFactor ?? null,
      });
      throw err;
    }
  }

  /** The second-factor module registers itself here at start-up (it depends on this service, not the reverse). */
  useSecondFactor(gate: SecondFactorGate): void {
    this.secondFactor = gate;
  }

  /**
   * After a correct password: the session, or — when the user has a second factor — the sign-in step that asks for
   * it (`mfa_token`).
   */
  async afterPassword(
    user: User,
    meta: Partial<RequestMetadata>,
    opts: { deviceName?: string | null; method: CredentialMethod; login: string },
  ): Promise<{ session: UserSession; tokens: TokenPair } | { challenge: SecondFactorChallenge }> {
    const challenge = await this.secondFactor?.challenge(user, meta, opts);
    if (!challenge) return this.startSession(user, meta, opts);
    // No session is made in this request, so an outdated hash can be strengthened at once.
    const password = this.rehashAfterSession.get(user);
    if (password !== undefined) {
      this.rehashAfterSession.delete(user);
      void this.rehash(user.id, user.hashedPassword, password);
    }
    return { challenge };
  }

  /** The mfa-otp grant: the sign-in step's token and a code (TOTP or recovery code). */
  completeSecondFactor(mfaToken: string, otp: string, meta: Partial<RequestMetadata>): Promise<{ tokens: TokenPair }> {
    if (!this.secondFactor)
      throw new AppError(ErrorCode.InvalidMfaToken, 'Invalid or expired MFA token; sign in again', GRANT_ERROR);
    return this.secondFactor.completeWithOtp(mfaToken, otp, meta);
  }

  /** A new session and its first token pair, recorded in the login history (`amr` when a factor was given). */
  async startSession(
    user: User,
    meta: Partial<RequestMetadata>,
    opts: {
      deviceName?: string | null;
      method: CredentialMethod;
      login: string;
      amr?: string[];
      secondFactor?: SecondFactorKind;
    },
  ) {
    const session = await this.sessions.create(user.id, meta, {
      deviceName: opts.deviceName,
      method: opts.method,
      amr: opts.amr,
    });
    // A password change that committed since the hash was verified ends this session here; one that commits later
    // revokes it with the user's other sessions (every password writer revokes after writing the hash).
    if (!(await this.userRows.holdsPassword(user.id, user.hashedPassword))) {
      await this.sessions.revoke(session.id, 'password_changed');
      throw this.invalidCredentials(opts.method);
    }
    const password = this.rehashAfterSession.get(user);
    if (password !== undefined) {
      this.rehashAfterSession.delete(user);
      void this.rehash(user.id, user.hashedPassword, password);
    }
    const tokens = this.tokens.issuePair(user, session.id, session.refreshTokenJti, opts.amr);
    await this.sessions.setAccessJti(session.id, tokens.accessJti);
    await this.recordAttempt({
      userId: user.id,
      usernameAttempted: opts.login,
      success: true,
      method: opts.method,
      meta,
      sessionId: session.id,
      jwtJti: tokens.accessJti,
      secondFactor: opts.secondFactor ?? null,
    });
    this.emit({
      type: SecurityEventType.LoginSucceeded,
      userId: user.id,
      meta,
      details: {
        session_id: session.id,
        method: opts.method,
        ...(opts.amr ? { amr: opts.amr, second_factor: opts.secondFactor ?? null } : {}),
      },
    });
    return { session, tokens };
  }

  /** Rotation with reuse detection: a superseded refresh token presented again revokes its session. */
  async refresh(
    refreshToken: unknown,
    meta: Partial<RequestMetadata>,
  ): Promise<{ tokens: TokenPair; session: UserSession; user: User }> {
    const claims = await this.tokens.verifyRefresh(refreshToken);
    const result = await this.sessions.rotate(claims.sid, claims.jti, claims.sub);
    if (!result.ok) {
      if (result.reason === 'reuse') {
        await this.sessions.revoke(claims.sid, 'refresh_token_reuse', undefined, [
          { name: 'security.alert', payload: { user_id: claims.sub, reason: 'refresh_token_reuse' } },
        ]);
        this.emit({
          type: SecurityEventType.RefreshTokenReuse,
          severity: 'critical',
          userId: claims.sub,
          meta,
          details: { session_id: claims.sid },
        });
        throw new AppError(ErrorCode.InvalidGrant, 'Refresh token reuse detected; the session has been revoked', {
          extensions: { error: 'invalid_grant' },
        });
      }
      const detail =
        result.reason === 'grace' ? 'Refresh token has already been used' : 'Invalid or expired refresh token';
      throw new AppError(ErrorCode.InvalidGrant, detail, { extensions: { error: 'invalid_grant' } });
    }
    const user = await this.users.findById(claims.sub);
    if (!user) throw new AppError(ErrorCode.InvalidGrant, 'Invalid or expired refresh token', GRANT_ERROR);
    try {
      assertUsable(user);
    } catch (err) {
      await this.sessions.revoke(claims.sid, user.isSuspended ? 'suspended' : 'inactive');
      throw err;
    }
    const tokens = this.tokens.issuePair(user, claims.sid, result.newJti, amrOf(result.session));
    await this.sessions.setAccessJti(claims.sid, tokens.accessJti);
    this.emit({ type: SecurityEventType.TokenRefreshed, userId: user.id, meta, details: { session_id: claims.sid } });
    return { tokens, session: result.session, user };
  }

  async logout(principal: Principal, allDevices: boolean, meta: Partial<RequestMetadata>): Promise<void> {
    let revoked = 0;
    if (allDevices) revoked = await this.sessions.revokeAll(principal.user.id, 'logout_all');
    else if (principal.sessionId) revoked = (await this.sessions.revoke(principal.sessionId, 'logout')) ? 1 : 0;
    if (principal.sessionId) await this.recordLogout({ sessionId: principal.sessionId, at: this.clock.date() });
    this.emit({
      type: SecurityEventType.Logout,
      userId: principal.user.id,
      meta,
      details: { all_devices: allDevices, sessions_revoked: revoked, session_id: principal.sessionId ?? null },
    });
  }

  async changePassword(
    principal: Principal,
    current: string,
    next: string,
    meta: Partial<RequestMetadata>,
  ): Promise<void> {
    const user = await this.users.getById(principal.user.id);
    await this.checkCurrentPassword(user, current, meta);
    const errors = checkPassword(next, { username: user.username, email: user.email }, 'new_password');
    if (!errors.length && current === next)
      errors.push({ field: 'new_password', message: 'must differ from the current password' });
    if (errors.length) throw AppError.validation(errors);
    await this.userRows.setPassword(user.id, await this.hasher.hash(next), this.clock.date());
    const ended = await this.sessions.revokeAll(user.id, 'password_changed', principal.sessionId);
    this.emit({
      type: SecurityEventType.PasswordChanged,
      userId: user.id,
      meta,
      details: { other_sessions_revoked: ended },
    });
  }

  /**
   * `current_password` on a signed-in request (password change, email change) under the lockout rule, so a stolen
   * token or key cannot guess the password faster than a login could: a wrong one counts (422, or 423 from the
   * attempt that locks), a locked account is refused (423), a right one gives its attempt back.
   */
  async checkCurrentPassword(user: User, candidate: string, meta: Partial<RequestMetadata>): Promise<void> {
    this.hasher.assertCapacity();
    const attempt: Attempt = { login: user.username, method: 'current_password', meta };
    if (!(await this.reserveAttempt(user.id))) throw await this.refuseLocked(user.id, attempt);
    if (await this.hasher.verify(candidate, user.hashedPassword)) return this.releaseAttempt(user.id);
    const refused = await this.countFailure(user.id, attempt, 'bad_password');
    if (refused.status === 423) throw refused;
    throw AppError.validation(
      [{ field: 'current_password', message: 'is incorrect' }],
      'Current password is incorrect',
    );
  }

  /** Writes a hash at the configured cost, unless the password changed meanwhile (the old hash decides). */
  private async rehash(userId: string, oldHash: string, password: string): Promise<void> {
    try {
      await this.userRows.rehash(userId, oldHash, await this.hasher.hash(password));
    } catch (err) {
      this.logger.warn(`password rehash failed: ${(err as Error).message}`);
    }
  }

  private invalidCredentials(method: CredentialMethod): AppError {
    return new AppError(ErrorCode.InvalidCredentials, INCORRECT, method === 'oauth2_password' ? GRANT_ERROR : {});
  }

  private async lockedError(userId: string): Promise<AppError> {
    const u = await this.userRows.lockout(userId);
    return this.lockedUntil(
      u?.lockedUntil ? new Date(u.lockedUntil).getTime() : this.clock.now() + this.config.lockout.minutes * 60_000,
    );
  }

  private lockedUntil(until: number): AppError {
    const retry = Math.max(1, Math.ceil((until - this.clock.now()) / 1000));
    return new AppError(ErrorCode.AccountLocked, 'Account locked', {
      headers: { 'retry-after': String(retry) },
      extensions: { locked_until: new Date(until).toISOString() },
    });
  }

  private async recordAttempt(input: LoginAttemptInput): Promise<void> {
    try {
      await this.events.emitAsync(LOGIN_ATTEMPT, input);
    } catch (err) {
      this.logger.error(`login history write failed: ${(err as Error).message}`);
    }
  }

  private async recordLogout(input: LogoutInput): Promise<void> {
    try {
      await this.events.emitAsync(LOGOUT, input);
    } catch (err) {
      this.logger.error(`login history write failed: ${(err as Error).message}`);
    }
  }

  private emit(event: SecurityEventInput): void {
    this.events.emit(SECURITY_EVENT, event);
  }
}
