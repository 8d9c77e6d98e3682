import { Inject, Injectable } from '@nestjs/common';
import {
  AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { atomically, Statement } from '../database/atomic-writes';
import { dialectOf, Dialect } from '../database/dialect';
import { uniqueViolation } from '../database/db-errors';
import { iso } from '../common/iso';
import { UnitOfWork } from '../database/unit-of-work';
import { PasskeyResponseDto } from './dto/mfa-response.dto';
import { Passkey } from './entities/passkey.entity';
import { WebauthnChallenge } from './entities/webauthn-challenge.entity';
import { MfaEvent, STEP_TTL_SECONDS } from './mfa.constants';

export type ChallengePurpose = 'register' | 'login' | 'mfa';

/** A verified assertion: the passkey, and the statements that spend its challenge and move its counter forward. */
export interface VerifiedAssertion {
  passkey: Passkey;
  challenge: WebauthnChallenge;
  statements: Statement[];
}

export const passkeyRejected = (detail = 'The passkey could not be verified') =>
  new AppError(ErrorCode.PasskeyRejected, detail);

export function toPasskeyOut(p: Passkey): PasskeyResponseDto {
  return {
    id: p.id,
    name: p.name,
    device_type: p.deviceType,
    backed_up: !!p.backedUp,
    transports: p.transports ? p.transports.split(',') : [],
    created_at: iso(p.createdAt),
    last_used_at: iso(p.lastUsedAt),
  };
}

/** The challenge a WebAuthn response signed (clientDataJSON.challenge), or null when the response is malformed. */
function signedChallenge(response: { response?: { clientDataJSON?: unknown } }): string | null {
  const data = response?.response?.clientDataJSON;
  if (typeof data !== 'string' || data.length > 4096) return null;
  try {
    const challenge = (JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as { challenge?: unknown })
      .challenge;
    return typeof challenge === 'string' && challenge.length <= 128 ? challenge : null;
  } catch {
    return null;
  }
}

/**
 * Passkeys (WebAuthn, @simplewebauthn/server): registration, and assertions for a passwordless sign-in or as the
 * second factor of a sign-in step. Challenges live 5 minutes and are spent once; a signature counter that does not
 * move forward is refused (in the verification, and again by the conditional UPDATE that stores it).
 */
@Injectable()
export class PasskeysService {
  private readonly dialect: Dialect;

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.dialect = dialectOf(dataSource);
  }

  private get repo() {
    return this.dataSource.getRepository(Passkey);
  }

  list(userId: string): Promise<Passkey[]> {
    return this.repo.find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  count(userId: string): Promise<number> {
    return this.repo.count({ where: { userId } });
  }

  async registrationOptions(user: { id: string; username: string; fullName: string | null }) {
    const existing = await this.list(user.id);
    const options = await generateRegistrationOptions({
      rpName: this.config.webauthn.rpName,
      rpID: this.config.webauthn.rpId,
      userName: user.username,
      userID: Buffer.from(user.id, 'utf8'),
      userDisplayName: user.fullName ?? user.username,
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: this.transports(p) })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      timeout: STEP_TTL_SECONDS * 1000,
    });
    await this.storeChallenge(options.challenge, 'register', user.id, null);
    return options;
  }

  async register(userId: string, response: RegistrationResponseJSON, name: string | undefined): Promise<Passkey> {
    const challenge = await this.findChallenge(response, 'register');
    if (!challenge || challenge.userId !== userId) throw registrationRefused();
    let info;
    try {
      const verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge.challenge,
        expectedOrigin: this.config.webauthn.origins,
        expectedRPID: this.config.webauthn.rpId,
        requireUserVerification: false,
      });
      if (!verified.verified) throw registrationRefused();
      info = verified.registrationInfo;
    } catch (err) {
      throw err instanceof AppError ? err : registrationRefused((err as Error).message);
    }
    const now = this.clock.date();
    const passkey = this.repo.create({
      id: randomUUID(),
      userId,
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: info.credential.transports?.join(',').slice(0, 128) || null,
      name: (name?.trim() || this.defaultName(info.credentialDeviceType)).slice(0, 100),
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      aaguid: info.aaguid,
      createdAt: now,
      lastUsedAt: null,
    });
    const spend = this.spendChallenge(challenge);
    try {
      await atomically(this.dataSource, function* (unit) {
        if ((yield* unit.write(spend)) !== 1) throw registrationRefused('The registration challenge was already used');
        yield* unit.write(unit.em.createQueryBuilder().insert().into(Passkey).values(passkey));
      });
    } catch (err) {
      if (uniqueViolation(err)) throw new AppError(ErrorCode.Conflict, 'This passkey is already registered');
      throw err;
    }
    return passkey;
  }

  /** Options for an assertion: the user's passkeys when the user is known, else any discoverable passkey. */
  async authenticationOptions(purpose: 'login' | 'mfa', userId: string | null, mfaChallengeId: string | null) {
    const passkeys = userId ? await this.list(userId) : [];
    const options = await generateAuthenticationOptions({
      rpID: this.config.webauthn.rpId,
      allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: this.transports(p) })),
      // A passwordless sign-in is both factors: the authenticator must verify the user (PIN, biometrics).
      userVerification: purpose === 'login' ? 'required' : 'preferred',
      timeout: STEP_TTL_SECONDS * 1000,
    });
    await this.storeChallenge(options.challenge, purpose, userId, mfaChallengeId);
    return options;
  }

  /**
   * Verifies an assertion against a live challenge of this purpose; the caller runs the returned statements in its
   * unit (each must change one row). 401 when anything does not match.
   */
  async verifyAssertion(
    response: AuthenticationResponseJSON,
    purpose: 'login' | 'mfa',
    expect: { userId?: string; mfaChallengeId?: string } = {},
  ): Promise<VerifiedAssertion> {
    const challenge = await this.findChallenge(response, purpose);
    if (!challenge) throw passkeyRejected('Unknown, used or expired passkey challenge');
    if (expect.mfaChallengeId && challenge.mfaChallengeId !== expect.mfaChallengeId) throw passkeyRejected();
    const id = typeof response?.id === 'string' && response.id.length <= 512 ? response.id : null;
    const passkey = id ? await this.repo.findOneBy({ credentialId: id }) : null;
    if (!passkey) throw passkeyRejected('Unknown passkey');
    if (
      (challenge.userId && challenge.userId !== passkey.userId) ||
      (expect.userId && expect.userId !== passkey.userId)
    )
      throw passkeyRejected();
    let newCounter: number;
    try {
      const verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge.challenge,
        expectedOrigin: this.config.webauthn.origins,
        expectedRPID: this.config.webauthn.rpId,
        credential: {
          id: passkey.credentialId,
          publicKey: Buffer.from(passkey.publicKey, 'base64url'),
          counter: passkey.counter,
          transports: this.transports(passkey),
        },
        requireUserVerification: purpose === 'login',
      });
      if (!verified.verified) throw passkeyRejected();
      newCounter = verified.authenticationInfo.newCounter;
    } catch (err) {
      throw err instanceof AppError ? err : passkeyRejected();
    }
    const now = this.t(this.clock.date());
    return {
      passkey,
      challenge,
      statements: [
        this.spendChallenge(challenge),
        {
          // A counter that does not move forward (a cloned authenticator) is refused here too, atomically.
          sql: `UPDATE passkeys SET counter = :counter, last_used_at = :now
                WHERE id = :id AND (counter < :counter OR (counter = 0 AND :counter = 0))`,
          params: { counter: newCounter, now, id: passkey.id },
        },
      ],
    };
  }

  async rename(userId: string, id: string, name: string): Promise<Passkey> {
    const res = await this.repo.update({ id, userId }, { name: name.trim().slice(0, 100) });
    if (!res.affected) throw AppError.notFound('Passkey');
    return this.repo.findOneByOrFail({ id });
  }

  /** Deletes one of the user's passkeys; `mfa.disabled` is published with the deletion. */
  async remove(userId: string, id: string): Promise<Passkey> {
    const passkey = await this.repo.findOneBy({ id, userId });
    if (!passkey) throw AppError.notFound('Passkey');
    const deleted = await this.uow.run(function* (unit) {
      if (
        !(yield* unit.write({
          sql: 'DELETE FROM passkeys WHERE id = :id AND user_id = :userId',
          params: { id, userId },
        }))
      )
        return false;
      yield* unit.publish({ name: MfaEvent.Disabled, payload: { user_id: userId, method: 'passkey' } });
      return true;
    });
    if (!deleted) throw AppError.notFound('Passkey');
    return passkey;
  }

  private async storeChallenge(
    challenge: string,
    purpose: ChallengePurpose,
    userId: string | null,
    mfaChallengeId: string | null,
  ): Promise<void> {
    const now = this.clock.date();
    await this.dataSource.getRepository(WebauthnChallenge).insert({
      id: randomUUID(),
      challenge,
      purpose,
      userId,
      mfaChallengeId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + STEP_TTL_SECONDS * 1000),
      usedAt: null,
    });
  }

  /** The live challenge of this purpose that the response signed, or null. */
  private async findChallenge(response: unknown, purpose: ChallengePurpose): Promise<WebauthnChallenge | null> {
    const signed = signedChallenge(response as { response?: { clientDataJSON?: unknown } });
    if (!signed) return null;
    const row = await this.dataSource.getRepository(WebauthnChallenge).findOneBy({ challenge: signed, purpose });
    if (!row || row.usedAt || new Date(row.expiresAt).getTime() <= this.clock.now()) return null;
    return row;
  }

  private spendChallenge(challenge: WebauthnChallenge): Statement {
    const now = this.t(this.clock.date());
    return {
      sql: 'UPDATE webauthn_challenges SET used_at = :now WHERE id = :id AND used_at IS NULL AND expires_at > :now',
      params: { now, id: challenge.id },
    };
  }

  private transports(p: Passkey) {
    return (p.transports ? p.transports.split(',') : undefined) as
      ('ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb')[] | undefined;
  }

  private defaultName(deviceType: string): string {
    return deviceType === 'multiDevice' ? 'Synced passkey' : 'Security key';
  }

  private t(date: Date) {
    return this.dialect.time(date);
  }
}

const registrationRefused = (why?: string) =>
  new AppError(ErrorCode.BadRequest, `The passkey registration could not be verified${why ? `: ${why}` : ''}`);
