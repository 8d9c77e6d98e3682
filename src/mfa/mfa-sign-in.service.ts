import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../audit/audit.events';
import { AuthService } from '../auth/auth.service';
import { CredentialMethod, SecondFactorChallenge, SecondFactorGate, SecondFactorKind } from '../auth/second-factor';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { RequestMetadata } from '../common/principal';
import { atomically, Statement } from '../database/atomic-writes';
import { dialectOf, Dialect } from '../database/dialect';
import { User } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import { MfaChallenge } from './entities/mfa-challenge.entity';
import { newStepToken, sha256, STEP_MAX_ATTEMPTS, STEP_TTL_SECONDS } from './mfa.constants';
import { PasskeysService } from './passkeys.service';
import { CodeProof, TotpService } from './totp.service';

/** What answers a sign-in step: a TOTP code, a recovery code, or a passkey assertion. */
export type StepProof = CodeProof | { webauthn_response: AuthenticationResponseJSON };

const AMR: Record<SecondFactorKind, string[]> = {
  totp: ['pwd', 'otp'],
  // A recovery code is a one-time password too (RFC 8176 "otp"); the login history tells them apart.
  recovery_code: ['pwd', 'otp'],
  webauthn: ['pwd', 'webauthn'],
};

class StepLost extends Error {}
class ProofLost extends Error {}

/** Which route completes the step: /auth/mfa/verify (and passkeys), or the mfa-otp grant of /auth/token. */
export type StepRoute = 'verify' | 'grant';
const GRANT = { error: 'invalid_grant' };

const invalidStep = (via: StepRoute) =>
  new AppError(ErrorCode.InvalidMfaToken, 'Invalid or expired MFA token; sign in again', {
    extensions: via === 'grant' ? GRANT : {},
  });

/**
 * The sign-in step between a correct password and the second factor. Its `mfa_token` is opaque (SHA-256 at rest),
 * lives 5 minutes, is spent by one conditional UPDATE (of parallel verifies exactly one wins) and is burned after 5
 * wrong codes (each try reserves one first). Every try also reserves an attempt of the account's lockout count.
 */
@Injectable()
export class MfaSignInService implements SecondFactorGate, OnModuleInit {
  private readonly dialect: Dialect;

  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly totp: TotpService,
    private readonly passkeys: PasskeysService,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
  ) {
    this.dialect = dialectOf(dataSource);
  }

  onModuleInit(): void {
    this.auth.useSecondFactor(this);
  }

  /** The factors a user can answer a sign-in step with (empty: none is set up). */
  async methods(userId: string): Promise<string[]> {
    const [totp, passkeys] = await Promise.all([this.totp.isEnabled(userId), this.passkeys.count(userId)]);
    return [...(totp ? ['totp', 'recovery_code'] : []), ...(passkeys ? ['webauthn'] : [])];
  }

  async required(userId: string): Promise<boolean> {
    return (await this.methods(userId)).length > 0;
  }

  async challenge(
    user: User,
    meta: Partial<RequestMetadata>,
    opts: { deviceName?: string | null; method: CredentialMethod; login: string },
  ): Promise<SecondFactorChallenge | undefined> {
    const methods = await this.methods(user.id);
    if (!methods.length) return undefined;
    const token = newStepToken();
    const now = this.clock.date();
    await this.dataSource.getRepository(MfaChallenge).insert({
      id: randomUUID(),
      tokenHash: sha256(token),
      userId: user.id,
      loginMethod: opts.method,
      login: opts.login.slice(0, 254),
      deviceName: opts.deviceName?.slice(0, 100) ?? null,
      attempts: 0,
      createdAt: now,
      expiresAt: new Date(now.getTime() + STEP_TTL_SECONDS * 1000),
      usedAt: null,
    });
    this.emit({
      type: SecurityEventType.MfaRequired,
      userId: user.id,
      meta,
      details: { method: opts.method, methods },
    });
    return { mfa_token: token, methods, expires_in: STEP_TTL_SECONDS };
  }

  completeWithOtp(mfaToken: string, otp: string, meta: Partial<RequestMetadata>) {
    const proof: CodeProof = /^\d{3}\s?\d{3}$/.test(otp.trim()) ? { code: otp } : { recovery_code: otp };
    return this.verify(mfaToken, proof, meta, 'grant');
  }

  /** The live step of a token (for passkey options), or 401. */
  async liveStep(mfaToken: string): Promise<MfaChallenge> {
    const step = await this.find(mfaToken);
    if (!step) throw invalidStep('verify');
    return step;
  }

  /** Completes a sign-in step: a session recorded under the route the password was given to. */
  async verify(mfaToken: string, proof: StepProof, meta: Partial<RequestMetadata>, via: StepRoute = 'verify') {
    const step = await this.find(mfaToken);
    if (!step) throw invalidStep(via);
    const method = step.loginMethod as CredentialMethod;
    const factor: SecondFactorKind =
      'webauthn_response' in proof ? 'webauthn' : 'recovery_code' in proof ? 'recovery_code' : 'totp';
    const now = this.t(this.clock.date());
    const reserved = await this.write({
      sql: `UPDATE mfa_challenges SET attempts = attempts + 1
            WHERE id = :id AND used_at IS NULL AND expires_at > :now AND attempts < :max`,
      params: { id: step.id, now, max: STEP_MAX_ATTEMPTS },
    });
    if (!reserved) throw invalidStep(via);
    const attempt = { login: step.login, method, meta, secondFactor: factor };
    if (!(await this.auth.reserveAttempt(step.userId))) throw await this.auth.refuseLocked(step.userId, attempt);
    const user = await this.users.findById(step.userId);
    // A password change since the password was given ends the sign-in step (a login in flight does not survive it).
    if (!user || (user.passwordChangedAt && new Date(user.passwordChangedAt) > new Date(step.createdAt))) {
      await this.auth.releaseAttempt(step.userId);
      throw invalidStep(via);
    }

    const spend = await this.check(step, proof);
    if (!spend) throw await this.wrongCode(step, via, meta, factor);
    const claim: Statement = {
      sql: 'UPDATE mfa_challenges SET used_at = :now WHERE id = :id AND used_at IS NULL',
      params: { id: step.id, now },
    };
    try {
      await atomically(this.dataSource, function* (unit) {
        if ((yield* unit.write(claim)) !== 1) throw new StepLost();
        for (const statement of spend) if ((yield* unit.write(statement)) !== 1) throw new ProofLost();
      });
    } catch (err) {
      if (err instanceof StepLost) {
        // A parallel verify of the same token won: this try was no failure of the user's.
        await this.auth.releaseAttempt(step.userId);
        throw invalidStep(via);
      }
      if (err instanceof ProofLost) throw await this.wrongCode(step, via, meta, factor); // replayed code or step
      throw err;
    }

    await this.auth.assertMaySignIn(user, attempt);
    await this.auth.resetAttempts(user.id);
    if (factor === 'recovery_code')
      this.emit({
        type: SecurityEventType.RecoveryCodeUsed,
        severity: 'warning',
        userId: user.id,
        meta,
        details: { remaining: await this.totp.recoveryCodesRemaining(user.id) },
      });
    const signedIn = await this.auth.startSession(user, meta, {
      method,
      login: step.login,
      deviceName: step.deviceName,
      amr: AMR[factor],
      secondFactor: factor,
    });
    return { user, ...signedIn };
  }

  /** The statements that spend the proof, or null when it is wrong. */
  private async check(step: MfaChallenge, proof: StepProof): Promise<Statement[] | null> {
    if ('webauthn_response' in proof) {
      try {
        const verified = await this.passkeys.verifyAssertion(proof.webauthn_response, 'mfa', {
          userId: step.userId,
          mfaChallengeId: step.id,
        });
        return verified.statements;
      } catch (err) {
        if (err instanceof AppError && err.code === ErrorCode.PasskeyRejected) return null;
        throw err;
      }
    }
    const checked = await this.totp.check(step.userId, proof);
    return checked ? [checked.statement] : null;
  }

  private async wrongCode(
    step: MfaChallenge,
    via: StepRoute,
    meta: Partial<RequestMetadata>,
    factor: SecondFactorKind,
  ): Promise<AppError> {
    const err = await this.auth.countFailure(
      step.userId,
      { login: step.login, method: step.loginMethod as CredentialMethod, meta, secondFactor: factor },
      'bad_mfa_code',
    );
    if (err.code !== ErrorCode.InvalidMfaCode) return err;
    const left = Math.max(0, STEP_MAX_ATTEMPTS - (step.attempts + 1));
    return new AppError(
      ErrorCode.InvalidMfaCode,
      left > 0 ? 'Invalid code' : 'Invalid code; this MFA token is spent, sign in again',
      { extensions: { ...(via === 'grant' ? GRANT : {}), attempts_remaining: left } },
    );
  }

  private async find(mfaToken: string): Promise<MfaChallenge | null> {
    if (typeof mfaToken !== 'string' || mfaToken.length > 256) return null;
    const step = await this.dataSource.getRepository(MfaChallenge).findOneBy({ tokenHash: sha256(mfaToken) });
    if (!step || step.usedAt || step.attempts >= STEP_MAX_ATTEMPTS) return null;
    if (new Date(step.expiresAt).getTime() <= this.clock.now()) return null;
    return step;
  }

  private async write(statement: Statement): Promise<number> {
    return atomically(this.dataSource, function* (unit) {
      return yield* unit.write(statement);
    });
  }

  private emit(event: SecurityEventInput): void {
    this.events.emit(SECURITY_EVENT, event);
  }

  private t(date: Date) {
    return this.dialect.time(date);
  }
}
