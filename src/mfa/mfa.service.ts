import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { DataSource } from 'typeorm';
import { SECURITY_EVENT, SecurityEventType, Severity } from '../audit/audit.events';
import { AuthService } from '../auth/auth.service';
import { Principal, RequestMetadata } from '../common/principal';
import { atomically } from '../database/atomic-writes';
import { UnitOfWork } from '../database/unit-of-work';
import { SessionsService } from '../sessions/sessions.service';
import { UsersService } from '../users/users.service';
import { AdminMfaDetailDto, MfaStatusDto } from './dto/mfa-response.dto';
import { MfaEvent } from './mfa.constants';
import { MfaSignInService } from './mfa-sign-in.service';
import { passkeyRejected, PasskeysService, toPasskeyOut } from './passkeys.service';
import { CodeProof, TotpService } from './totp.service';

/** Managing a user's factors: every change is a security event; an admin reset also ends the user's sessions. */
@Injectable()
export class MfaService {
  constructor(
    private readonly totp: TotpService,
    private readonly passkeys: PasskeysService,
    private readonly signIn: MfaSignInService,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly uow: UnitOfWork,
    private readonly events: EventEmitter2,
    private readonly dataSource: DataSource,
  ) {}

  async status(userId: string): Promise<MfaStatusDto> {
    const [totp, passkeys, remaining] = await Promise.all([
      this.totp.isEnabled(userId),
      this.passkeys.count(userId),
      this.totp.recoveryCodesRemaining(userId),
    ]);
    return { totp, passkeys, recovery_codes_remaining: remaining };
  }

  async setupTotp(principal: Principal) {
    return this.totp.setup(principal.user);
  }

  async confirmTotp(principal: Principal, code: string, meta: Partial<RequestMetadata>) {
    const codes = await this.totp.confirm(principal.user.id, code);
    this.emit(SecurityEventType.TotpEnabled, principal.user.id, meta, { recovery_codes: codes.length });
    return { recovery_codes: codes };
  }

  async regenerateRecoveryCodes(principal: Principal, code: string, meta: Partial<RequestMetadata>) {
    const codes = await this.totp.regenerateRecoveryCodes(principal.user.id, code);
    this.emit(SecurityEventType.RecoveryCodesRegenerated, principal.user.id, meta, { recovery_codes: codes.length });
    return { recovery_codes: codes };
  }

  async disableTotp(principal: Principal, proof: CodeProof, meta: Partial<RequestMetadata>) {
    await this.totp.disable(principal.user.id, proof);
    this.emit(
      SecurityEventType.TotpDisabled,
      principal.user.id,
      meta,
      {
        with: 'recovery_code' in proof ? 'recovery_code' : 'totp',
      },
      'warning',
    );
  }

  async registerPasskey(
    principal: Principal,
    response: RegistrationResponseJSON,
    name: string | undefined,
    meta: Partial<RequestMetadata>,
  ) {
    const passkey = await this.passkeys.register(principal.user.id, response, name);
    this.emit(SecurityEventType.PasskeyRegistered, principal.user.id, meta, {
      passkey_id: passkey.id,
      name: passkey.name,
    });
    return toPasskeyOut(passkey);
  }

  async renamePasskey(principal: Principal, id: string, name: string, meta: Partial<RequestMetadata>) {
    const passkey = await this.passkeys.rename(principal.user.id, id, name);
    this.emit(SecurityEventType.PasskeyRenamed, principal.user.id, meta, { passkey_id: id, name: passkey.name });
    return toPasskeyOut(passkey);
  }

  async deletePasskey(principal: Principal, id: string, meta: Partial<RequestMetadata>) {
    const passkey = await this.passkeys.remove(principal.user.id, id);
    this.emit(
      SecurityEventType.PasskeyDeleted,
      principal.user.id,
      meta,
      { passkey_id: id, name: passkey.name },
      'warning',
    );
  }

  /** Options for a passkey sign-in, or for the passkey answer to a sign-in step (`mfa_token`). */
  async loginOptions(input: { username?: string; mfa_token?: string }) {
    if (input.mfa_token) {
      const step = await this.signIn.liveStep(input.mfa_token);
      return this.passkeys.authenticationOptions('mfa', step.userId, step.id);
    }
    const user = input.username ? await this.users.findByLogin(input.username) : null;
    // An unknown name gets the same options as no name (any discoverable passkey): nothing tells them apart.
    return this.passkeys.authenticationOptions('login', user?.id ?? null, null);
  }

  /** A passwordless sign-in: a user-verified passkey is both factors. */
  async passkeyLogin(response: AuthenticationResponseJSON, meta: Partial<RequestMetadata>) {
    const verified = await this.passkeys.verifyAssertion(response, 'login');
    const user = await this.users.findById(verified.passkey.userId);
    if (!user) throw passkeyRejected('Unknown passkey');
    const attempt = { login: user.username, method: 'passkey' as const, meta, secondFactor: 'webauthn' as const };
    await this.auth.assertNotLocked(user.id, attempt);
    await this.auth.assertMaySignIn(user, attempt);
    const spent = await atomically(this.dataSource, function* (unit) {
      for (const statement of verified.statements) if ((yield* unit.write(statement)) !== 1) return false;
      return true;
    });
    if (!spent) throw passkeyRejected('The passkey challenge was already used, or its signature counter went back');
    await this.auth.resetAttempts(user.id);
    const signedIn = await this.auth.startSession(user, meta, {
      method: 'passkey',
      login: user.username,
      amr: ['webauthn'],
      secondFactor: 'webauthn',
    });
    return { user, ...signedIn };
  }

  /** Admin: removes every factor of a user (TOTP, recovery codes, passkeys, open sign-in steps); sessions end. */
  async adminReset(actor: { id: string; meta: Partial<RequestMetadata> }, userId: string) {
    await this.users.getById(userId);
    const removed = await this.uow.run(function* (unit) {
      const p = { userId };
      const totp = yield* unit.write({ sql: 'DELETE FROM mfa_totp WHERE user_id = :userId', params: p });
      yield* unit.write({ sql: 'DELETE FROM mfa_recovery_codes WHERE user_id = :userId', params: p });
      const passkeys = yield* unit.write({ sql: 'DELETE FROM passkeys WHERE user_id = :userId', params: p });
      yield* unit.write({ sql: 'DELETE FROM mfa_challenges WHERE user_id = :userId', params: p });
      yield* unit.write({ sql: 'DELETE FROM webauthn_challenges WHERE user_id = :userId', params: p });
      if (totp || passkeys)
        yield* unit.publish({ name: MfaEvent.Disabled, payload: { user_id: userId, method: 'all' } });
      return { totp: totp > 0, passkeys };
    });
    const ended = await this.sessions.revokeAll(userId, 'mfa_reset');
    this.events.emit(SECURITY_EVENT, {
      type: SecurityEventType.AdminMfaReset,
      severity: 'warning',
      userId,
      actorId: actor.id,
      meta: actor.meta,
      details: { totp_removed: removed.totp, passkeys_removed: removed.passkeys, sessions_revoked: ended },
    });
  }

  /** The factors of a user, for the admin's user page. */
  async adminDetail(userId: string): Promise<AdminMfaDetailDto> {
    await this.users.getById(userId);
    const [status, passkeys, methods] = await Promise.all([
      this.status(userId),
      this.passkeys.list(userId),
      this.signIn.methods(userId),
    ]);
    return { ...status, enabled: methods.length > 0, methods, passkey_list: passkeys.map(toPasskeyOut) };
  }

  private emit(
    type: SecurityEventType,
    userId: string,
    meta: Partial<RequestMetadata>,
    details: Record<string, unknown>,
    severity: Severity = 'info',
  ): void {
    this.events.emit(SECURITY_EVENT, { type, severity, userId, meta, details });
  }
}
