import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { generateSecret, generateURI, verifySync } from 'otplib';
import { toString as qrToString } from 'qrcode';
import { DataSource, IsNull, Not } from 'typeorm';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { dialectOf, Dialect } from '../database/dialect';
import { atomically, Statement, Steps, Unit } from '../database/atomic-writes';
import { EventUnit, UnitOfWork } from '../database/unit-of-work';
import { MultiFernet } from '../service-keys/fernet';
import { RecoveryCode } from './entities/recovery-code.entity';
import { UserTotp } from './entities/user-totp.entity';
import {
  MfaEvent,
  newRecoveryCode,
  normalizeRecoveryCode,
  normalizeTotpCode,
  RECOVERY_CODE_COUNT,
  sha256,
  TOTP_PERIOD,
  TOTP_TOLERANCE_SECONDS,
} from './mfa.constants';

/** A code a user gave: a TOTP code, or one of their recovery codes. */
export type CodeProof = { code: string } | { recovery_code: string };

/** A checked proof: the statement that spends it (affected rows = 1 when it was still unspent), and what it was. */
export interface SpendableProof {
  kind: 'totp' | 'recovery_code';
  statement: Statement;
}

export class ProofSpent extends Error {}

/**
 * TOTP (RFC 6238, otplib) with recovery codes. A secret is Fernet-encrypted at rest (ENCRYPTION_KEY); a code is
 * accepted once: the step it matched is stored per user and only a later step is accepted, in one conditional UPDATE.
 */
@Injectable()
export class TotpService {
  private readonly dialect: Dialect;

  constructor(
    private readonly dataSource: DataSource,
    private readonly fernet: MultiFernet,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.dialect = dialectOf(dataSource);
  }

  private get repo() {
    return this.dataSource.getRepository(UserTotp);
  }

  async isEnabled(userId: string): Promise<boolean> {
    return this.repo.exists({ where: { userId, confirmedAt: Not(IsNull()) } });
  }

  /** A new pending secret (replacing an unconfirmed one); 409 while TOTP is enabled. */
  async setup(user: { id: string; username: string }) {
    const secret = generateSecret();
    const encrypted = this.fernet.encrypt(secret);
    const now = this.clock.date();
    const replaced = await atomically(this.dataSource, function* (unit) {
      yield* unit.write(
        unit.em
          .createQueryBuilder()
          .insert()
          .into(UserTotp)
          .values({ userId: user.id, createdAt: now, updatedAt: now })
          .orIgnore(),
      );
      return yield* unit.write(
        unit.em
          .createQueryBuilder()
          .update(UserTotp)
          .set({ pendingSecretEncrypted: encrypted, pendingCreatedAt: now, updatedAt: now })
          .where('user_id = :id AND confirmed_at IS NULL', { id: user.id }),
      );
    });
    if (!replaced)
      throw new AppError(ErrorCode.Conflict, 'TOTP is already enabled; disable it before setting up a new one');
    const otpauthUri = generateURI({ issuer: this.config.webauthn.rpName, label: user.username, secret });
    const qrSvg = await qrToString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret, otpauth_uri: otpauthUri, qr_svg: qrSvg };
  }

  /** Confirms the pending secret with a code from it; returns the first set of recovery codes (shown once). */
  async confirm(userId: string, code: string): Promise<string[]> {
    const row = await this.repo.findOneBy({ userId });
    if (!row?.pendingSecretEncrypted || row.confirmedAt)
      throw new AppError(
        ErrorCode.InvalidStateTransition,
        row?.confirmedAt ? 'TOTP is already enabled' : 'No TOTP setup to confirm: start with POST /auth/mfa/totp/setup',
      );
    const step = this.matchStep(this.decrypt(row.pendingSecretEncrypted), code, null);
    if (step === null) throw invalidCode();
    const pending = row.pendingSecretEncrypted;
    const now = this.clock.date();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const confirmed = await atomically(this.dataSource, (unit) =>
      this.withNewRecoveryCodes(unit, userId, codes, now, {
        sql: `UPDATE mfa_totp SET secret_encrypted = pending_secret_encrypted, pending_secret_encrypted = NULL,
                pending_created_at = NULL, confirmed_at = :now, last_step = :step, updated_at = :now
              WHERE user_id = :userId AND pending_secret_encrypted = :pending AND confirmed_at IS NULL`,
        params: { now: this.t(now), step, userId, pending },
      }),
    );
    if (!confirmed) throw new AppError(ErrorCode.InvalidStateTransition, 'TOTP is already enabled');
    return codes;
  }

  /**
   * Checks a TOTP or recovery code against the user's factor; returns the statement that spends it, or null when
   * the code is wrong (or its step was already used).
   */
  async check(userId: string, proof: CodeProof): Promise<SpendableProof | null> {
    if ('recovery_code' in proof) {
      const hash = sha256(normalizeRecoveryCode(proof.recovery_code));
      return {
        kind: 'recovery_code',
        statement: {
          sql: 'UPDATE mfa_recovery_codes SET used_at = :now WHERE user_id = :userId AND code_hash = :hash AND used_at IS NULL',
          params: { now: this.t(this.clock.date()), userId, hash },
        },
      };
    }
    const row = await this.repo.findOneBy({ userId });
    if (!row?.secretEncrypted || !row.confirmedAt) return null;
    const step = this.matchStep(this.decrypt(row.secretEncrypted), proof.code, row.lastStep);
    if (step === null) return null;
    return {
      kind: 'totp',
      statement: {
        sql: `UPDATE mfa_totp SET last_step = :step, updated_at = :now
              WHERE user_id = :userId AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < :step)`,
        params: { step, userId, now: this.t(this.clock.date()) },
      },
    };
  }

  /** A new set of recovery codes (the old set dies), authorized by a TOTP code. */
  async regenerateRecoveryCodes(userId: string, code: string): Promise<string[]> {
    const proof = await this.check(userId, { code });
    if (!proof) throw invalidCode();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const now = this.clock.date();
    await this.runSpending(proof, (unit) => this.withNewRecoveryCodes(unit, userId, codes, now));
    return codes;
  }

  /**
   * Removes the authenticator and its recovery codes, authorized by a TOTP or recovery code; `mfa.disabled` is
   * published with the removal (the notice mail and webhooks commit with it).
   */
  async disable(userId: string, proof: CodeProof): Promise<void> {
    if (!(await this.isEnabled(userId))) throw new AppError(ErrorCode.InvalidStateTransition, 'TOTP is not enabled');
    const checked = await this.check(userId, proof);
    if (!checked) throw invalidCode();
    await this.runSpending(checked, function* (unit) {
      yield* unit.write({ sql: 'DELETE FROM mfa_totp WHERE user_id = :userId', params: { userId } });
      yield* unit.write({ sql: 'DELETE FROM mfa_recovery_codes WHERE user_id = :userId', params: { userId } });
      yield* unit.publish({ name: MfaEvent.Disabled, payload: { user_id: userId, method: 'totp' } });
    });
  }

  async recoveryCodesRemaining(userId: string): Promise<number> {
    return this.dataSource.getRepository(RecoveryCode).count({ where: { userId, usedAt: IsNull() } });
  }

  /** Runs `steps` after spending the proof, all or nothing; a proof already spent is a wrong code (401). */
  private async runSpending(
    proof: SpendableProof,
    steps: (unit: EventUnit) => ReturnType<Steps<unknown>>,
  ): Promise<void> {
    try {
      await this.uow.run(function* (unit) {
        if ((yield* unit.write(proof.statement)) !== 1) throw new ProofSpent();
        yield* steps(unit);
      });
    } catch (err) {
      if (err instanceof ProofSpent) throw invalidCode();
      throw err;
    }
  }

  /** `first` (when given) decides: the codes are replaced only when it changed a row (returns 1, else 0). */
  private *withNewRecoveryCodes(
    unit: Unit,
    userId: string,
    codes: string[],
    now: Date,
    first?: Statement,
  ): ReturnType<Steps<number>> {
    if (first && (yield* unit.write(first)) !== 1) return 0;
    yield* unit.write({ sql: 'DELETE FROM mfa_recovery_codes WHERE user_id = :userId', params: { userId } });
    yield* unit.write(
      unit.em
        .createQueryBuilder()
        .insert()
        .into(RecoveryCode)
        .values(
          codes.map((c) => ({ id: randomUUID(), userId, codeHash: sha256(normalizeRecoveryCode(c)), createdAt: now })),
        ),
    );
    return 1;
  }

  /** The time step the code matches (within one step either side and after `after`), or null. */
  private matchStep(secret: string, code: string, after: number | null): number | null {
    const token = normalizeTotpCode(code);
    if (!token) return null;
    const result = verifySync({
      secret,
      token,
      epoch: Math.floor(this.clock.now() / 1000),
      period: TOTP_PERIOD,
      epochTolerance: TOTP_TOLERANCE_SECONDS,
      ...(after !== null ? { afterTimeStep: after } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  private decrypt(token: string): string {
    return this.fernet.decrypt(token).toString('utf8');
  }

  private t(date: Date) {
    return this.dialect.time(date);
  }
}

export const invalidCode = () => new AppError(ErrorCode.InvalidMfaCode, 'Invalid code');
