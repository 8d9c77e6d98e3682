import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { generateApiKey } from '../api-keys/api-key.util';
import {
  LOGIN_ATTEMPT,
  LoginAttemptInput,
  SECURITY_EVENT,
  SecurityEventInput,
  SecurityEventType,
} from '../audit/audit.events';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { Principal, RequestMetadata } from '../common/principal';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { toDbTime } from '../database/columns';
import { assertUsable, AuthStateService } from '../sessions/auth-state.service';
import { UserSession } from '../sessions/entities/user-session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { User } from '../users/entities/user.entity';
import { PasswordHasher } from '../users/password/password-hasher.service';
import { checkPassword } from '../users/password/password-policy';
import { UsersService } from '../users/users.service';
import { CredentialMethod, SecondFactorChallenge, SecondFactorGate, SecondFactorKind } from './second-factor';
import { TokenPair, TokenService } from './token.service';

export type { CredentialMethod };

const INCORRECT = 'Incorrect username or password';
const GRANT_ERROR = { extensions: { error: 'invalid_grant' } };
const amrOf = (session: UserSession): string[] | undefined => session.amr?.split(',') ?? undefined;

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly postgres: boolean;
  private secondFactor?: SecondFactorGate;

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly tokens: TokenService,
    private readonly hasher: PasswordHasher,
    private readonly state: AuthStateService,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /**
   * Checks a username-or-email and password under the lockout rules of CONTRACT §4. Each attempt first
   * reserves a slot with one conditional UPDATE, so N parallel wrong passwords evaluate at most the limit.
   */
  async verifyPassword(
    login: string,
    password: string,
    meta: Partial<RequestMetadata>,
    method: CredentialMethod,
  ): Promise<User> {
    const user = await this.users.findByLogin(login);
    if (!user) {
      await this.hasher.verifyDummy(password);
      await this.recordAttempt({
        userId: null,
        usernameAttempted: login.slice(0, 254),
        success: false,
        failureReason: 'unknown_user',
        method,
        meta,
      });
      throw this.invalidCredentials(method);
    }

    if (!(await this.reserveAttempt(user.id))) throw await this.refuseLocked(user.id, { login, method, meta });

    const ok = await this.hasher.verify(password, user.hashedPassword);
    if (!ok) throw await this.countFailure(user.id, { login, method, meta, failureReason: 'bad_password' });

    // With a second factor, a correct password only gives back this attempt: the count resets when the factor is given.
    if (await this.secondFactor?.required(user.id)) await this.releaseAttempt(user.id);
    else await this.resetAttempts(user.id);
    try {
      assertUsable(user);
    } catch (err) {
      await this.recordAttempt({
        userId: user.id,
        usernameAttempted: login,
        success: false,
        failureReason: user.isSuspended ? 'suspended' : 'inactive',
        method,
        meta,
      });
      throw err;
    }
    if (this.hasher.needsRehash(user.hashedPassword)) void this.rehash(user.id, password);
    return this.users.repo.findOneByOrFail({ id: user.id });
  }

  /**
   * Reserves one attempt of the lockout count with one conditional UPDATE (so N parallel attempts evaluate at most
   * the limit); false when the account is locked.
   */
  async reserveAttempt(userId: string): Promise<boolean> {
    const now = this.clock.date();
    const lockUntil = new Date(now.getTime() + this.config.lockout.minutes * 60_000);
    const t = (d: Date) => toDbTime(d, this.postgres);
    const reserved = await this.users.repo
      .createQueryBuilder()
      .update(User)
      .set({
        failedLoginAttempts: () =>
          'CASE WHEN locked_until IS NOT NULL AND locked_until <= :now THEN 1 ELSE failed_login_attempts + 1 END',
        lockedUntil: () =>
          'CASE WHEN locked_until IS NOT NULL AND locked_until <= :now THEN NULL WHEN failed_login_attempts + 1 >= :max THEN :lockUntil ELSE locked_until END',
        updatedAt: () => 'updated_at',
      })
      .where('id = :id AND (locked_until IS NULL OR locked_until <= :now)')
      .setParameters({ id: userId, now: t(now), lockUntil: t(lockUntil), max: this.config.lockout.maxAttempts })
      .execute();
    return !!reserved.affected;
  }

  /** Gives back a reserved attempt that turned out not to be a failure (the lock it set, if any, is lifted). */
  async releaseAttempt(userId: string): Promise<void> {
    await this.users.repo
      .createQueryBuilder()
      .update(User)
      .set({
        failedLoginAttempts: () => 'failed_login_attempts - 1',
        lockedUntil: () => 'CASE WHEN failed_login_attempts - 1 >= :max THEN locked_until ELSE NULL END',
        updatedAt: () => 'updated_at',
      })
      .where('id = :id AND failed_login_attempts > 0')
      .setParameters({ id: userId, max: this.config.lockout.maxAttempts })
      .execute();
    await this.state.invalidateUser(userId);
  }

  /** A completed sign-in: the count and any lock are cleared. */
  async resetAttempts(userId: string): Promise<void> {
    await this.users.repo.update(
      { id: userId },
      { failedLoginAttempts: 0, lockedUntil: null, lastLoginAt: this.clock.date() },
    );
    await this.state.invalidateUser(userId);
  }

  /**
   * A reserved attempt that failed: recorded in the login history, and the account-locked event when it was the one
   * that locked the account. Returns the error to throw (423 when locked).
   */
  async countFailure(
    userId: string,
    attempt: {
      login: string;
      method: CredentialMethod;
      meta: Partial<RequestMetadata>;
      failureReason: 'bad_password' | 'bad_mfa_code';
      secondFactor?: SecondFactorKind | null;
    },
  ): Promise<AppError> {
    await this.users.repo
      .createQueryBuilder()
      .update(User)
      .set({ lastFailedLoginAt: this.clock.date(), updatedAt: () => 'updated_at' })
      .where('id = :id', { id: userId })
      .execute();
    await this.state.invalidateUser(userId); // the attempt counted (and may have locked the account)
    const after = await this.users.repo.findOne({
      where: { id: userId },
      select: { id: true, failedLoginAttempts: true, lockedUntil: true },
    });
    const justLocked = !!after && after.failedLoginAttempts >= this.config.lockout.maxAttempts && !!after.lockedUntil;
    await this.recordAttempt({
      userId,
      usernameAttempted: attempt.login,
      success: false,
      failureReason: attempt.failureReason,
      method: attempt.method,
      meta: attempt.meta,
      secondFactor: attempt.secondFactor ?? null,
    });
    if (justLocked) {
      this.emit({
        type: SecurityEventType.AccountLocked,
        severity: 'warning',
        userId,
        meta: attempt.meta,
        details: { attempts: after.failedLoginAttempts, locked_until: after.lockedUntil },
      });
      return this.lockedError(userId);
    }
    return attempt.failureReason === 'bad_mfa_code'
      ? new AppError(ErrorCode.InvalidMfaCode, 'Invalid code', attempt.method === 'oauth2_password' ? GRANT_ERROR : {})
      : this.invalidCredentials(attempt.method);
  }

  /** An attempt on a locked account: recorded in the login history; returns the 423 to throw. */
  async refuseLocked(
    userId: string,
    attempt: {
      login: string;
      method: CredentialMethod;
      meta: Partial<RequestMetadata>;
      secondFactor?: SecondFactorKind | null;
    },
  ): Promise<AppError> {
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

  /** 423 when the account is locked now (checked without counting an attempt: passkey sign-in). */
  async assertNotLocked(userId: string): Promise<void> {
    const u = await this.users.repo.findOne({ where: { id: userId }, select: { id: true, lockedUntil: true } });
    if (u?.lockedUntil && new Date(u.lockedUntil).getTime() > this.clock.now()) throw await this.lockedError(userId);
  }

  /** The second-factor module registers itself here at start-up (it depends on this service, not the reverse). */
  useSecondFactor(gate: SecondFactorGate): void {
    this.secondFactor = gate;
  }

  /**
   * After a correct password: the session, or — when the user has a second factor — the sign-in step that asks
   * for it (`mfa_token`).
   */
  async afterPassword(
    user: User,
    meta: Partial<RequestMetadata>,
    opts: { deviceName?: string | null; method: CredentialMethod; login: string },
  ): Promise<{ session: UserSession; tokens: TokenPair } | { challenge: SecondFactorChallenge }> {
    const challenge = await this.secondFactor?.challenge(user, meta, opts);
    return challenge ? { challenge } : this.startSession(user, meta, opts);
  }

  /** The mfa-otp grant: the sign-in step's token and a code (TOTP or recovery code). */
  async completeSecondFactor(mfaToken: string, otp: string, meta: Partial<RequestMetadata>) {
    if (!this.secondFactor)
      throw new AppError(ErrorCode.InvalidMfaToken, 'Invalid or expired MFA token', {
        extensions: { error: 'invalid_grant' },
      });
    return this.secondFactor.completeWithOtp(mfaToken, otp, meta);
  }

  /** A new session and its first token pair, recorded in the login history. */
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

  /** Rotation with reuse detection (CONTRACT §4). */
  async refresh(
    refreshToken: unknown,
    meta: Partial<RequestMetadata>,
  ): Promise<{ tokens: TokenPair; session: UserSession; user: User }> {
    const claims = this.tokens.verifyRefresh(refreshToken);
    const result = await this.sessions.rotate(claims.sid, claims.jti, claims.sub);
    if (!result.ok) {
      if (result.reason === 'reuse') {
        await this.sessions.revoke(claims.sid, 'refresh_token_reuse');
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
    if (!user)
      throw new AppError(ErrorCode.InvalidGrant, 'Invalid or expired refresh token', {
        extensions: { error: 'invalid_grant' },
      });
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
    if (principal.sessionId)
      await this.dataSource.query(
        `UPDATE login_history SET logout_at = ${this.postgres ? '$1' : '?'} WHERE session_id = ${this.postgres ? '$2' : '?'} AND logout_at IS NULL`,
        [toDbTime(this.clock.date(), this.postgres), principal.sessionId],
      );
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
    if (!(await this.hasher.verify(current, user.hashedPassword)))
      throw AppError.validation(
        [{ field: 'current_password', message: 'is incorrect' }],
        'Current password is incorrect',
      );
    const errors = checkPassword(next, { username: user.username, email: user.email }, 'new_password');
    if (!errors.length && current === next)
      errors.push({ field: 'new_password', message: 'must differ from the current password' });
    if (errors.length) throw AppError.validation(errors);
    await this.users.repo.update(
      { id: user.id },
      { hashedPassword: await this.hasher.hash(next), passwordChangedAt: this.clock.date() },
    );
    await this.state.invalidateUser(user.id);
    const ended = await this.sessions.revokeAll(user.id, 'password_changed', principal.sessionId);
    this.emit({
      type: SecurityEventType.PasswordChanged,
      userId: user.id,
      meta,
      details: { other_sessions_revoked: ended },
    });
  }

  async regenerateApiKey(
    principal: Principal,
    meta: Partial<RequestMetadata>,
  ): Promise<{ api_key: string; api_key_prefix: string }> {
    const key = generateApiKey();
    await this.users.repo.update(
      { id: principal.user.id },
      { apiKeyHash: key.hash, apiKeyPrefix: key.prefix, apiKeyCreatedAt: this.clock.date(), apiKeyLastUsedAt: null },
    );
    await this.state.invalidateUser(principal.user.id);
    this.emit({
      type: SecurityEventType.ApiKeyRegenerated,
      userId: principal.user.id,
      meta,
      details: { api_key_prefix: key.prefix },
    });
    return { api_key: key.key, api_key_prefix: key.prefix };
  }

  private async rehash(userId: string, password: string): Promise<void> {
    try {
      await this.users.repo.update({ id: userId }, { hashedPassword: await this.hasher.hash(password) });
    } catch (err) {
      this.logger.warn(`password rehash failed: ${(err as Error).message}`);
    }
  }

  private invalidCredentials(method: CredentialMethod): AppError {
    return new AppError(
      ErrorCode.InvalidCredentials,
      INCORRECT,
      method === 'oauth2_password' ? { extensions: { error: 'invalid_grant' } } : {},
    );
  }

  private async lockedError(userId: string): Promise<AppError> {
    const u = await this.users.repo.findOne({ where: { id: userId }, select: { id: true, lockedUntil: true } });
    const until = u?.lockedUntil
      ? new Date(u.lockedUntil).getTime()
      : this.clock.now() + this.config.lockout.minutes * 60_000;
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

  private emit(event: SecurityEventInput): void {
    this.events.emit(SECURITY_EVENT, event);
  }
}
