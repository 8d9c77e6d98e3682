import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { setTimeout as sleep } from 'node:timers/promises';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../audit/audit.events';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { RequestMetadata } from '../common/principal';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Outcome, Unit } from '../database/atomic-writes';
import { DomainEvent, UnitOfWork } from '../database/unit-of-work';
import { User } from '../users/entities/user.entity';
import { PasswordHasher } from '../users/password/password-hasher.service';
import { checkPassword } from '../users/password/password-policy';
import { SessionsRepository } from '../sessions/sessions.repository';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { findEmailToken, revokeEmailTokens, spendEmailToken } from './email-tokens';
import { EmailTokenPurpose, MailKind } from './mail.enums';
import { enqueueMail, NewMail } from './mail-outbox.repository';
import { MailOutboxWorker } from './mail-outbox.worker';
import { MailSendLimits } from './mail-send-limits';

type Prepared = [sql: string, params: unknown[]];

/** A password-reset request answers no sooner than this, whatever it found, so its timing tells nothing. */
export const RESET_REQUEST_FLOOR_MS = 250;

const INVALID_LINK = 'This link is invalid, has expired or has already been used; ask for a new one';
const invalidLink = () => new AppError(ErrorCode.EmailTokenInvalid, INVALID_LINK);
const stamp = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The account's address as the unit sees it (a notice goes to the address of the moment). */
function* accountOf(
  unit: Unit,
  userId: unknown,
): Generator<Prepared, { email: string; verified: boolean } | null, Outcome> {
  if (typeof userId !== 'string') return null;
  return yield* UsersRepository.addressOf(unit, userId);
}

/**
 * The notice that a second factor was removed, as a statement of the caller's unit (it commits with the removal).
 * Also written for every `mfa.disabled` event published through the unit of work.
 */
export function* secondFactorRemovedNotice(
  unit: Unit,
  input: { userId: string; method?: string; now: Date },
): Generator<Prepared, void, Outcome> {
  const account = yield* accountOf(unit, input.userId);
  if (!account) return;
  yield* enqueueMail(
    unit,
    {
      kind: MailKind.SecondFactorRemoved,
      userId: input.userId,
      to: account.email,
      params: { method: input.method ?? 'second factor', at: stamp(input.now) },
    },
    input.now,
  );
}

/**
 * Email verification, password reset by link and security notices. Every mail is an outbox row written in the
 * transaction of the change that causes it (domain events' in-transaction writers, or this service's own units);
 * the outbox worker sends it, so no request waits for SMTP.
 */
@Injectable()
export class EmailFlowsService implements OnModuleInit {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UsersService,
    private readonly userRows: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly limits: MailSendLimits,
    private readonly worker: MailOutboxWorker,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.config.mail.mode !== 'disabled';
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    const on = (
      name: string,
      write: (event: DomainEvent, unit: Unit, now: Date) => Generator<Prepared, void, Outcome>,
    ) => {
      const clock = this.clock;
      this.uow.onEventInTransaction(name, function* (event, unit) {
        yield* write(event, unit, clock.date());
      });
      // After the commit: this instance sends at once (the others find the row on their next poll).
      this.events.on(name, () => this.worker.kick());
    };
    const mail = function* (unit: Unit, m: NewMail, now: Date) {
      yield* enqueueMail(unit, m, now);
    };
    on('user.created', function* (e, unit, now) {
      if (e.payload.registration !== true) return;
      const account = yield* accountOf(unit, e.payload.user_id);
      if (account && !account.verified)
        yield* mail(unit, { kind: MailKind.VerifyEmail, userId: e.payload.user_id as string, to: account.email }, now);
    });
    on('user.password_changed', function* (e, unit, now) {
      const account = yield* accountOf(unit, e.payload.user_id);
      if (account)
        yield* mail(
          unit,
          {
            kind: MailKind.PasswordChanged,
            userId: e.payload.user_id as string,
            to: account.email,
            params: { at: stamp(now) },
          },
          now,
        );
    });
    on('user.email_changed', function* (e, unit, now) {
      const userId = e.payload.user_id as string;
      const account = yield* accountOf(unit, userId);
      if (!account) return;
      yield* revokeEmailTokens(unit, userId); // links sent to the old address die with it
      if (typeof e.payload.previous_email === 'string')
        yield* mail(
          unit,
          {
            kind: MailKind.EmailChanged,
            userId,
            to: e.payload.previous_email,
            params: { new_email: account.email, at: stamp(now) },
          },
          now,
        );
      if (!account.verified) yield* mail(unit, { kind: MailKind.VerifyEmail, userId, to: account.email }, now);
    });
    on('mfa.disabled', function* (e, unit, now) {
      if (typeof e.payload.user_id === 'string')
        yield* secondFactorRemovedNotice(unit, {
          userId: e.payload.user_id,
          method: typeof e.payload.method === 'string' ? e.payload.method : undefined,
          now,
        });
    });
    on('security.alert', function* (e, unit, now) {
      if (e.payload.alert !== 'suspicious_login') return;
      const account = yield* accountOf(unit, e.payload.user_id);
      if (account)
        yield* mail(
          unit,
          {
            kind: MailKind.SuspiciousSignIn,
            userId: e.payload.user_id as string,
            to: account.email,
            params: { ip: typeof e.payload.ip === 'string' ? e.payload.ip : null, at: stamp(now) },
          },
          now,
        );
    });
  }

  /** 503 EMAIL_DISABLED: production without SMTP_URL. */
  assertEnabled(): void {
    if (!this.enabled)
      throw new AppError(ErrorCode.EmailDisabled, 'Email is not configured on this server (SMTP_URL is not set)');
  }

  /** A verification link to the caller's own address (limited: a refused request sends nothing, silently). */
  async requestVerification(userId: string, meta: Partial<RequestMetadata>): Promise<void> {
    this.assertEnabled();
    const user = await this.users.getById(userId);
    if (user.isVerified) throw new AppError(ErrorCode.EmailAlreadyVerified, 'Email already verified');
    if (await this.limits.allow(meta.ip, user.email, MailKind.VerifyEmail))
      await this.queue({ kind: MailKind.VerifyEmail, userId: user.id, to: user.email });
  }

  async confirmVerification(token: string, meta: Partial<RequestMetadata>): Promise<User> {
    this.assertEnabled();
    const now = this.clock.date();
    const userId = await this.uow.run(function* (unit) {
      const spent = yield* spendEmailToken(unit, { token, purpose: EmailTokenPurpose.VerifyEmail, now });
      if (!spent) throw invalidLink();
      if (!(yield* UsersRepository.markVerified(unit, spent.userId, spent.email, now))) throw invalidLink();
      return spent.userId;
    });
    this.audit({ type: SecurityEventType.ProfileUpdated, userId, meta, details: { email_verified: true } });
    return this.users.getById(userId);
  }

  /**
   * A reset link to the address when it belongs to a usable account. The caller sees the same answer after the same
   * time whether it does or not (and when the request was limited).
   */
  async requestPasswordReset(email: string, meta: Partial<RequestMetadata>): Promise<void> {
    this.assertEnabled();
    const started = performance.now();
    try {
      const address = UsersService.normalizeEmail(email);
      if (!(await this.limits.allow(meta.ip, address, MailKind.PasswordReset))) return;
      const user = await this.userRows.findByEmail(address);
      if (user?.isActive && !user.isSuspended)
        await this.queue({ kind: MailKind.PasswordReset, userId: user.id, to: user.email });
    } finally {
      await sleep(Math.max(0, RESET_REQUEST_FLOOR_MS - (performance.now() - started)));
    }
  }

  /** Sets the password by a reset link: the policy holds, the link is spent once, every session ends, no lockout. */
  async confirmPasswordReset(token: string, newPassword: string, meta: Partial<RequestMetadata>): Promise<void> {
    this.assertEnabled();
    const now = this.clock.date();
    // The link is checked before the policy, and spent only with the new password (a refused password keeps it).
    const pending = await this.uow.run((unit) =>
      findEmailToken(unit, { token, purpose: EmailTokenPurpose.PasswordReset, now }),
    );
    const user = pending ? await this.users.findById(pending.userId) : null;
    if (!user || user.email !== pending?.email) throw invalidLink();
    const errors = checkPassword(newPassword, { username: user.username, email: user.email }, 'new_password');
    if (errors.length) throw AppError.validation(errors);
    const hash = await this.hasher.hash(newPassword);
    const accessTtlMs = this.config.jwt.accessTtlSeconds * 1000;
    const ended = await this.uow.run(function* (unit) {
      const spent = yield* spendEmailToken(unit, { token, purpose: EmailTokenPurpose.PasswordReset, now });
      if (!spent || spent.userId !== user.id) throw invalidLink();
      const set = yield* UsersRepository.resetPassword(unit, {
        id: user.id,
        email: spent.email,
        hashedPassword: hash,
        now,
      });
      if (!set) throw invalidLink();
      yield* unit.write({
        sql: 'DELETE FROM email_tokens WHERE user_id = :id AND purpose = :purpose AND used_at IS NULL',
        params: { id: user.id, purpose: EmailTokenPurpose.PasswordReset },
      });
      const sessions = yield* SessionsRepository.revokeAllIn(unit, {
        userId: user.id,
        reason: 'password_reset',
        now,
        accessTtlMs,
      });
      return sessions;
    });
    this.audit({
      type: SecurityEventType.PasswordReset,
      severity: 'warning',
      userId: user.id,
      meta,
      details: { via: 'email_link', sessions_revoked: ended },
    });
  }

  /** An admin sends a reset link (or a verification link) to a user's address; not limited, always audited. */
  async adminSend(
    actor: { id: string; meta: Partial<RequestMetadata> },
    userId: string,
    kind: MailKind.PasswordReset | MailKind.VerifyEmail,
  ): Promise<void> {
    this.assertEnabled();
    const user = await this.users.getById(userId);
    if (kind === MailKind.VerifyEmail && user.isVerified)
      throw new AppError(ErrorCode.EmailAlreadyVerified, 'Email already verified');
    await this.queue({ kind, userId: user.id, to: user.email });
    this.audit({
      type: SecurityEventType.AdminUserUpdated,
      userId: user.id,
      actorId: actor.id,
      meta: actor.meta,
      details: { action: kind === MailKind.PasswordReset ? 'send_password_reset' : 'send_verification' },
    });
  }

  private async queue(mail: NewMail): Promise<void> {
    const now = this.clock.date();
    await this.uow.run(function* (unit) {
      yield* enqueueMail(unit, mail, now);
    });
    this.worker.kick();
  }

  private audit(event: SecurityEventInput): void {
    this.events.emit(SECURITY_EVENT, event);
  }
}
